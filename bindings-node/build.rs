fn main() {
    napi_build::setup();
    // The Rust target this addon is compiled for, exported as `nativeTarget()`: the JS loader
    // checks it against the platform in the file name it loaded (a renamed or mis-copied build
    // is refused instead of misbehaving), and `addonInfo()` reports it.
    let target = std::env::var("TARGET").expect("cargo sets TARGET for build scripts");
    println!("cargo:rustc-env=IG_NATIVE_TARGET={target}");
    println!("cargo:rerun-if-changed=build.rs");
}
