//! Build script of the app: generates the Tauri context and the permissions of our commands.
//! The app's command permissions are in src-tauri/permissions, granted in src-tauri/capabilities.

fn main() {
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(
            tauri_build::AppManifest::new().permissions_path_pattern("./src-tauri/permissions/**/*"),
        );
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=src-tauri/permissions");
    if let Err(e) = tauri_build::try_build(attributes) {
        // A build script reports failure by exiting non-zero with the reason.
        eprintln!("tauri-build failed: {e:#}");
        std::process::exit(1);
    }
}
