// Plain Kotlin: no Android types, so `./gradlew :logic:test` runs on any JVM against the host
// build of libberkas_ffi (jna.library.path) and a hub (BERKAS_HUB_URL ...), as scripts/test.sh
// does with kotlinc.
plugins {
    alias(libs.plugins.kotlin.jvm)
}

kotlin { jvmToolchain(17) }

// The uniffi-generated Kotlin (package id.berkas.core), produced from the Rust library by
// `cargo run -p berkas-ffi --features bindgen --bin uniffi-bindgen -- generate --library
// target/release/libberkas_ffi.so --language kotlin --out-dir mobile/logic/build/generated/uniffi`.
sourceSets["main"].kotlin.srcDir(layout.buildDirectory.dir("generated/uniffi"))

dependencies {
    implementation(libs.coroutines.core)
    // A jar on the JVM; the app brings the Android .aar of the same version.
    compileOnly(libs.jna)
    testImplementation(libs.jna)
    testImplementation(libs.junit)
}

tasks.test {
    systemProperty("jna.library.path", rootDir.resolve("../target/debug").absolutePath)
    systemProperty("java.awt.headless", "true")
}
