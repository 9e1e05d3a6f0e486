package dev.courier.bench.compare;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Finds the version of a library on the classpath from the {@code pom.properties} that Maven puts in its jar. */
public final class Versions {
    private Versions() {
    }

    /** The version of {@code group:artifact}, or "?" when its jar carries no pom.properties. */
    public static String of(String group, String artifact) {
        String resource = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = Versions.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return "?";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "?");
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * The version of {@code group:artifact}, or else the version in the manifest of the jar that holds
     * {@code type} (for jars built without Maven's pom.properties, such as Reactor's), or "?".
     */
    public static String of(String group, String artifact, Class<?> type) {
        String version = of(group, artifact);
        if (!"?".equals(version)) {
            return version;
        }
        try {
            java.security.CodeSource source = type.getProtectionDomain().getCodeSource();
            if (source == null) {
                return "?";
            }
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(new java.io.File(source.getLocation().toURI()))) {
                java.util.jar.Attributes main = jar.getManifest().getMainAttributes();
                String v = main.getValue("Implementation-Version");
                if (v == null) {
                    v = main.getValue("Bundle-Version");
                }
                return v == null ? "?" : v.replace(".RELEASE", "");
            }
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            return "?";
        }
    }

    /** The Netty version on the classpath (Netty's own {@code Version.identify()}), or "?" without Netty. */
    public static String netty() {
        try {
            Class<?> version = Class.forName("io.netty.util.Version");
            java.util.Map<?, ?> all = (java.util.Map<?, ?>) version.getMethod("identify").invoke(null);
            for (Object v : all.values()) {
                return (String) version.getMethod("artifactVersion").invoke(v);
            }
            return "?";
        } catch (ReflectiveOperationException | LinkageError e) {
            return "?";
        }
    }
}
