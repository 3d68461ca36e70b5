package dev.spamgpt.mailet.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code deploy/james/mailetcontainer.xml}, the file the James image ships and the demo loads:
 * the SpamGPT chain sits in local-delivery, in order, before LocalDelivery, and the values the demo
 * rewrites are there exactly once.
 */
class DeployMailetContainerTest {

    static final Path FILE = Paths.get("..", "deploy", "james", "mailetcontainer.xml");

    @Test
    void localDeliveryShouldScoreThenFileSpamThenDeliver() throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(FILE.toFile());
        List<String> states = new ArrayList<>();
        Element localDelivery = null;
        NodeList processors = doc.getElementsByTagName("processor");
        for (int i = 0; i < processors.getLength(); i++) {
            Element p = (Element) processors.item(i);
            states.add(p.getAttribute("state"));
            if (p.getAttribute("state").equals("local-delivery")) {
                localDelivery = p;
            }
        }
        assertThat(states).contains("root", "error", "transport", "local-delivery", "relay", "local-address-error",
                "relay-denied", "bounces", "rrt-error");
        assertThat(localDelivery).isNotNull();
        List<String> mailets = new ArrayList<>();
        NodeList children = localDelivery.getElementsByTagName("mailet");
        for (int i = 0; i < children.getLength(); i++) {
            Element m = (Element) children.item(i);
            mailets.add(m.getAttribute("match") + " " + m.getAttribute("class"));
        }
        assertThat(mailets.get(0)).isEqualTo("All dev.spamgpt.mailet.SpamGptClassifier");
        assertThat(mailets.get(1)).isEqualTo("IsMarkedAsSpam=org.apache.james.spamgpt.status WithStorageDirective");
        assertThat(mailets.get(mailets.size() - 1)).isEqualTo("All LocalDelivery");
        Element classifier = (Element) children.item(0);
        assertThat(classifier.getElementsByTagName("onMailetException").item(0).getTextContent()).isEqualTo("ignore");
        assertThat(((Element) children.item(1)).getElementsByTagName("targetFolderName").item(0).getTextContent())
                .isEqualTo("Spam");
    }

    @Test
    void demoCopyShouldPointAtTheLocalBundleAndALoopbackMetricsPort() throws Exception {
        String xml = new String(Files.readAllBytes(FILE), StandardCharsets.UTF_8);
        String demo = DemoMailServer.demoMailetContainer(xml, Paths.get("/tmp/run/bundle"), 40123);
        assertThat(demo).contains("<model>/tmp/run/bundle</model>", "<metricsHost>127.0.0.1</metricsHost>",
                "<metricsPort>40123</metricsPort>").doesNotContain("<model>/models/bundle</model>",
                "<metricsHost>0.0.0.0</metricsHost>", "<metricsPort>9095</metricsPort>");
    }

    @Test
    void demoCopyShouldRefuseAFileWithoutTheExpectedValues() {
        assertThatThrownBy(() -> DemoMailServer.demoMailetContainer("<mailetcontainer/>", Paths.get("/b"), 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("<model>/models/bundle</model>");
    }
}
