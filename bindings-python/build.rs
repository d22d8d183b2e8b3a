fn main() {
    // Apple targets (linked by zig through maturin --zig, scripts/xbuild.sh), this crate's
    // cdylib only, so a change here relinks the module without rebuilding its dependencies.
    //  -dead_strip_dylibs: std's libc crate asks for libiconv (and zig adds libcharset) although
    //    nothing is bound from them; without it dyld would still load both.
    //  -S -x: no debug symbols, no local symbols. The linker does it, so the ad-hoc signature
    //    it writes for arm64 covers the final bytes.
    // maturin sets the install name itself (@rpath/instagram_graph._native.abi3.so).
    if std::env::var("CARGO_CFG_TARGET_VENDOR").as_deref() == Ok("apple") {
        for arg in ["-Wl,-dead_strip_dylibs", "-Wl,-S", "-Wl,-x"] {
            println!("cargo:rustc-cdylib-link-arg={arg}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
