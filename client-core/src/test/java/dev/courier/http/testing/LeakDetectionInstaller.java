package dev.courier.http.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Installs the recording leak detector factory when the JUnit launcher session opens, before any test class loads. */
public final class LeakDetectionInstaller implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        LeakDetection.install();
    }
}
