package dev.spamgpt.mailet.james;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.data.UsersRepositoryModuleChooser;
import org.apache.james.server.core.configuration.Configuration;

/**
 * A James 3.8.1 root folder the way an operator sets one up: {@code conf/} with the test's
 * configuration and {@code extensions-jars/spamgpt-mailet.jar}, the jar the build just made.
 */
public final class JamesHome {

    static final String DOMAIN = "spamgpt.test";
    static final String PASSWORD = "secret";

    private static final List<String> CONF_FILES =
            List.of(
                    "smtpserver.xml",
                    "imapserver.xml",
                    "lmtpserver.xml",
                    "pop3server.xml",
                    "managesieveserver.xml",
                    "dnsservice.xml",
                    "domainlist.xml",
                    "usersrepository.xml",
                    "mailrepositorystore.xml",
                    "listeners.xml",
                    "jmx.properties",
                    "webadmin.properties");

    private JamesHome() {}

    /** The jar under test, as packaged; failsafe passes its path. */
    static Path mailetJar() {
        Path jar = Paths.get(System.getProperty("spamgpt.mailet.jar", "target/spamgpt-mailet.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar
                            + " is missing: run the integration tests through"
                            + " 'mvn verify', which packages the jar first");
        }
        return jar;
    }

    /**
     * Writes a James root.
     *
     * @param root the folder
     * @param spamGptMailet the {@code <mailet>} element(s) to put before the spam routing
     * @return root
     */
    static Path prepare(Path root, String spamGptMailet) {
        try {
            String container =
                    new String(resource("mailetcontainer.xml.template"), StandardCharsets.UTF_8)
                            .replace("@SPAMGPT_MAILET@", spamGptMailet);
            return layOut(root, container, mailetJar());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code conf/} (the operator files: loopback, free ports, no TLS, plus the given {@code
     * mailetcontainer.xml}) and {@code extensions-jars/spamgpt-mailet.jar}.
     *
     * @param root the folder
     * @param mailetContainer the whole {@code mailetcontainer.xml}
     * @param mailetJar the jar to install
     * @return root
     * @throws IOException if a file cannot be written or a resource is missing
     */
    public static Path layOut(Path root, String mailetContainer, Path mailetJar)
            throws IOException {
        Path conf = Files.createDirectories(root.resolve("conf"));
        for (String name : CONF_FILES) {
            Files.write(conf.resolve(name), resource(name));
        }
        Files.write(
                conf.resolve("mailetcontainer.xml"),
                mailetContainer.getBytes(StandardCharsets.UTF_8));
        Path extensions = Files.createDirectories(root.resolve("extensions-jars"));
        Files.copy(
                mailetJar,
                extensions.resolve("spamgpt-mailet.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        return root;
    }

    /**
     * Starts the memory James on a prepared root.
     *
     * @param root a folder written by {@link #layOut}
     * @return the started server; stop it when done
     * @throws Exception if James does not start
     */
    public static GuiceJamesServer start(Path root) throws Exception {
        MemoryJamesConfiguration configuration =
                MemoryJamesConfiguration.builder()
                        .workingDirectory(root.toFile())
                        .configurationPath(new Configuration.ConfigurationPath("file://conf/"))
                        .usersRepository(UsersRepositoryModuleChooser.Implementation.DEFAULT)
                        .build();
        GuiceJamesServer server = MemoryJamesServerMain.createServer(configuration);
        server.start();
        return server;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = JamesHome.class.getResourceAsStream("/james-conf/" + name)) {
            if (in == null) {
                throw new IOException("test resource james-conf/" + name + " is missing");
            }
            return in.readAllBytes();
        }
    }
}
