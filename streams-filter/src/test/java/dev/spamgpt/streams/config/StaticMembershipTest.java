package dev.spamgpt.streams.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StaticMembershipTest {

    private static final Map<String, String> POD = Map.of("POD_NAME", "Filter-0", "HOSTNAME", "h");

    @Test
    void autoIsStableAcrossRestartsAndDiffersBetweenInstances() {
        String a = StaticMembership.instanceId("auto", "app", Path.of("/var/state-a"), POD);
        String again = StaticMembership.instanceId("auto", "app", Path.of("/var/state-a"), POD);
        String otherDir = StaticMembership.instanceId("auto", "app", Path.of("/var/state-b"), POD);
        String otherHost =
                StaticMembership.instanceId(
                        "auto", "app", Path.of("/var/state-a"), Map.of("HOSTNAME", "h2"));
        assertThat(a).isEqualTo(again).startsWith("app-filter-0-").matches("[A-Za-z0-9._-]+");
        assertThat(otherDir).isNotEqualTo(a);
        assertThat(otherHost).startsWith("app-h2-").isNotEqualTo(a);
    }

    @Test
    void noneTurnsItOffAndAnExplicitIdIsChecked() {
        assertThat(StaticMembership.instanceId("none", "app", null, POD)).isNull();
        assertThat(StaticMembership.instanceId("filter-1", "app", null, POD)).isEqualTo("filter-1");
        assertThatThrownBy(() -> StaticMembership.instanceId("a b", "app", null, POD))
                .hasMessageContaining("--instance-id must be");
    }
}
