package dev.spamgpt.mailet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

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
 * {@code deploy/james/mailetcontainer.xml}, the file the James image ships and the demo loads: the
 * SpamGPT chain sits in local-delivery, in order, before LocalDelivery. The demo's copy of it is
 * checked in deploy/demo ({@code DemoMailServerTest}).
 */
class DeployMailetContainerTest {

    static final Path FILE = Paths.get("..", "deploy", "james", "mailetcontainer.xml");

    @Test
    void localDeliveryShouldScoreThenFileSpamThenDeliver() throws Exception {
        Document doc =
                DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(FILE.toFile());
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
        assertThat(states)
                .contains(
                        "root",
                        "error",
                        "transport",
                        "local-delivery",
                        "relay",
                        "local-address-error",
                        "relay-denied",
                        "bounces",
                        "rrt-error");
        assertThat(localDelivery).isNotNull();
        List<String> mailets = new ArrayList<>();
        NodeList children = localDelivery.getElementsByTagName("mailet");
        for (int i = 0; i < children.getLength(); i++) {
            Element m = (Element) children.item(i);
            mailets.add(m.getAttribute("match") + " " + m.getAttribute("class"));
        }
        assertThat(mailets.get(0)).isEqualTo("All dev.spamgpt.mailet.SpamGptClassifier");
        assertThat(mailets.get(1))
                .isEqualTo("IsMarkedAsSpam=org.apache.james.spamgpt.status WithStorageDirective");
        assertThat(mailets.get(mailets.size() - 1)).isEqualTo("All LocalDelivery");
        Element classifier = (Element) children.item(0);
        assertThat(classifier.getElementsByTagName("onMailetException").item(0).getTextContent())
                .isEqualTo("ignore");
        assertThat(
                        ((Element) children.item(1))
                                .getElementsByTagName("targetFolderName")
                                .item(0)
                                .getTextContent())
                .isEqualTo("Spam");
    }

    @Test
    void theShippedListenersXmlShouldRegisterTheFeedbackListenerOnAFolderStore() throws Exception {
        Document doc =
                DocumentBuilderFactory.newInstance()
                        .newDocumentBuilder()
                        .parse(Paths.get("..", "deploy", "james", "listeners.xml").toFile());
        Element listener = (Element) doc.getElementsByTagName("listener").item(0);
        String className = listener.getElementsByTagName("class").item(0).getTextContent().trim();
        assertThat(className).isEqualTo(dev.spamgpt.mailet.SpamGptFeedbackListener.class.getName());
        // Synchronous dispatch: the listener only queues, and James's async mode costs a thread
        // hop per event.
        assertThat(listener.getElementsByTagName("async").item(0).getTextContent().trim())
                .isEqualTo("false");
        assertThat(listener.getElementsByTagName("store").item(0).getTextContent().trim())
                .isEqualTo("/root/var/spamgpt-feedback");
        assertThat(Files.readString(Paths.get("..", "deploy", "james", "Dockerfile")))
                .contains("COPY deploy/james/listeners.xml /root/conf/listeners.xml");
    }
}
