// Berkas for Android: `app` (Compose UI, Android Keystore, WorkManager) over `logic`
// (repositories and view-models in plain Kotlin, tested on the host JVM) over the generated
// uniffi bindings of berkas-ffi. See docs/android.md.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "berkas"
include(":logic", ":app")
