package dev.courier.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Checks courier-bom against the reactor it ships with: it must pin every module a user can depend on,
 * at the reactor's version, and state the Netty version the reactor builds with. Maven 3 cannot import a
 * BOM from the reactor that builds it (import-scope poms are resolved before the reactor exists), so the
 * files are compared instead of resolving a consumer against an installed BOM.
 */
class BomTest {
    /** Reactor modules that are not libraries: nobody depends on them, so the BOM leaves them out. */
    static final Set<String> NOT_PUBLISHED = Set.of("courier-bom", "client-examples", "benchmarks");

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void pinsEveryPublishedModuleAtTheReactorVersion() throws Exception {
        Document root = parse(ROOT.resolve("pom.xml"));
        Document bom = parse(ROOT.resolve("courier-bom/pom.xml"));

        Set<String> published = new TreeSet<>();
        for (Element module : children(child(root.getDocumentElement(), "modules"), "module")) {
            String name = module.getTextContent().trim();
            if (!NOT_PUBLISHED.contains(name)) {
                published.add(name);
            }
        }
        assertThat(published).contains("client-core", "client-tls", "client-micrometer", "client-opentelemetry",
                "client-reactor", "client-spring");

        Element managed = child(child(bom.getDocumentElement(), "dependencyManagement"), "dependencies");
        Set<String> pinned = new TreeSet<>();
        for (Element dep : children(managed, "dependency")) {
            assertThat(text(dep, "groupId")).isEqualTo("dev.courier");
            assertThat(text(dep, "version")).as(text(dep, "artifactId")).isEqualTo("${project.version}");
            pinned.add(text(dep, "artifactId"));
        }
        assertThat(pinned).as("modules the BOM pins, against the reactor's published modules").isEqualTo(published);

        assertThat(text(bom.getDocumentElement(), "version")).isEqualTo(text(root.getDocumentElement(), "version"));
        assertThat(text(bom.getDocumentElement(), "groupId")).isEqualTo(text(root.getDocumentElement(), "groupId"));
        assertThat(bom.getDocumentElement().getElementsByTagName("parent").getLength())
                .as("a BOM with a parent would hand importers the parent's dependencyManagement").isZero();
    }

    @Test
    void statesTheNettyVersionTheReactorBuildsWith() throws Exception {
        Document root = parse(ROOT.resolve("pom.xml"));
        Document bom = parse(ROOT.resolve("courier-bom/pom.xml"));
        String netty = text(child(root.getDocumentElement(), "properties"), "netty.version");
        assertThat(text(child(bom.getDocumentElement(), "properties"), "courier.netty.version")).isEqualTo(netty);
    }

    private static Document parse(Path file) throws Exception {
        assertThat(file).exists();
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        try (var in = Files.newInputStream(file)) {
            return f.newDocumentBuilder().parse(in);
        }
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element && ((Element) n).getTagName().equals(name)) {
                out.add((Element) n);
            }
        }
        return out;
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        assertThat(found).as("<" + name + "> under <" + parent.getTagName() + ">").hasSize(1);
        return found.get(0);
    }

    private static String text(Element parent, String name) {
        return child(parent, name).getTextContent().trim();
    }
}
