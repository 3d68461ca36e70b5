package dev.spamgpt.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BalancingAndSplitTest {

    private static List<LabelledText> data(int ham, int spam) {
        List<LabelledText> list = new ArrayList<>();
        for (int i = 0; i < ham; i++) {
            list.add(new LabelledText("ham " + i, 0));
        }
        for (int i = 0; i < spam; i++) {
            list.add(new LabelledText("spam " + i, 1));
        }
        return list;
    }

    @Test
    void undersampleShouldKeepAllSpamAndAsManyDistinctHam() {
        List<LabelledText> balanced = Balancing.undersample(data(4827, 747), 123);

        assertThat(balanced).hasSize(1494).doesNotHaveDuplicates();
        assertThat(balanced.subList(0, 747)).allMatch(e -> e.label() == 0);
        assertThat(balanced.subList(747, 1494)).containsExactlyElementsOf(data(0, 747));
    }

    @Test
    void undersampleShouldBeSeeded() {
        List<LabelledText> data = data(500, 50);
        assertThat(Balancing.undersample(data, 123))
                .isEqualTo(Balancing.undersample(data, 123))
                .isNotEqualTo(Balancing.undersample(data, 124));
    }

    @Test
    void undersampleShouldShrinkSpamWhenSpamIsTheMajority() {
        List<LabelledText> balanced = Balancing.undersample(data(10, 30), 1);
        assertThat(balanced.stream().filter(e -> e.label() == 1)).hasSize(10);
        assertThat(balanced.stream().filter(e -> e.label() == 0)).hasSize(10);
    }

    @Test
    void splitShouldUseTheBookRounding() {
        DatasetSplit split = DatasetSplit.of(data(747, 747), 123);

        assertThat(split.train()).hasSize(1045);
        assertThat(split.validation()).hasSize(149);
        assertThat(split.test()).hasSize(300);
    }

    @Test
    void splitShouldPartitionWithoutOverlapAndBeSeeded() {
        List<LabelledText> data = data(60, 43);
        DatasetSplit split = DatasetSplit.of(data, 7);

        Set<LabelledText> all = new HashSet<>(split.train());
        all.addAll(split.validation());
        all.addAll(split.test());
        assertThat(all).hasSize(103).containsExactlyInAnyOrderElementsOf(data);
        assertThat(split.train()).hasSize(72); // int(103 * 0.7)
        assertThat(split.validation()).hasSize(10);
        assertThat(split.test()).hasSize(21);
        assertThat(DatasetSplit.of(data, 7)).isEqualTo(split);
        assertThat(DatasetSplit.of(data, 8).train()).isNotEqualTo(split.train());
    }
}
