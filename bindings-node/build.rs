fn main() {
    napi_build::setup();
    // The Rust target this addon is compiled for, exported as `nativeTarget()`: the JS loader
    // checks it against the platform in the file name it loaded (a renamed or mis-copied build
    // is refused instead of misbehaving), and `addonInfo()` reports it.
    let target = std::env::var("TARGET").expect("cargo sets TARGET for build scripts");
    println!("cargo:rustc-env=IG_NATIVE_TARGET={target}");
    // Apple targets (linked by zig, scripts/xbuild.sh). Link arguments of this crate's cdylib
    // only, so a change here relinks the addon without rebuilding std or the dependencies.
    //  -dead_strip_dylibs: std's libc crate asks for libiconv (and zig adds libcharset) although
    //    nothing is bound from them; without it dyld would still load both.
    //  -S -x: no debug symbols, no local symbols. The linker does it, so the ad-hoc signature
    //    it writes for arm64 covers the final bytes.
    //  -install_name: the default is the output's path on the build machine.
    if std::env::var("CARGO_CFG_TARGET_VENDOR").as_deref() == Ok("apple") {
        for arg in [
            "-Wl,-dead_strip_dylibs",
            "-Wl,-S",
            "-Wl,-x",
            "-Wl,-install_name,@rpath/libinstagram_graph_node.dylib",
        ] {
            println!("cargo:rustc-cdylib-link-arg={arg}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
