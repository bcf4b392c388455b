//! The Haven app: a Tauri window over the core. This file only builds the app; commands live in
//! [`commands`], the state in [`state`].

pub mod commands;
pub mod error;
pub mod state;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use tauri::{Manager, Runtime};

pub use state::{AppState, Launch};

/// Command-line options of the app.
#[derive(Debug, Parser)]
#[command(name = "haven", version, about = "Haven: the centre's case book, stock and rota")]
pub struct Args {
    /// Folder holding haven.db (default: $HAVEN_DATA_DIR, else the OS app-data folder).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Open the demo database (passphrase "demo"), creating and seeding it if absent.
    #[arg(long)]
    pub demo: bool,
}

impl Args {
    /// Where the database lives for these options: the demo has its own folder.
    pub fn launch(&self) -> haven_core::Result<Launch> {
        let base = haven_core::resolve_data_dir(self.data_dir.clone())?;
        // An explicit --data-dir for the demo is used as it is; the default demo lives beside
        // the real database, never in it.
        let data_dir =
            if self.demo && self.data_dir.is_none() { base.join(haven_core::DEMO_DIR_NAME) } else { base };
        Ok(Launch { data_dir, demo: self.demo })
    }
}

/// Adds Haven's commands to a builder (the real one, or the mock runtime's in tests).
pub fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::app_status,
        commands::setup_centre,
        commands::join_centre,
        commands::unlock,
        commands::lock,
        commands::restore_backup,
        commands::call,
    ])
}

/// Runs the app until its window closes.
pub fn run() -> ExitCode {
    let args = Args::parse();
    let launch = match args.launch() {
        Ok(launch) => launch,
        Err(e) => {
            eprintln!("Haven could not start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let context = tauri::generate_context!();
    let single = tauri_plugin_single_instance::Builder::new()
        .callback(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        })
        .dbus_id(instance_name(&context.config().identifier, &launch.data_dir))
        .build();
    let builder = tauri::Builder::default()
        // First: a second launch on the same data folder hands over to the running window
        // instead of opening the database a second time.
        .plugin(single)
        .plugin(tauri_plugin_window_state::Builder::default().build())
        // Native open/save dialogs (import, export, print) and the system PDF viewer. The
        // capability grants only the open and save dialogs and opening PDF files; links in the
        // page are never handed to the system (Haven shows no remote content).
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::Builder::new().open_js_links_on_click(false).build())
        // The state is made here, after the single-instance check, so a second launch never
        // touches the database.
        .setup(move |app| {
            app.manage(AppState::new(launch)?);
            Ok(())
        });
    let app = match with_commands(builder).build(context) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("Haven could not start: {e}");
            return ExitCode::FAILURE;
        }
    };
    app.run(|handle, event| {
        // On the way out: an automatic backup of an open database, then close it.
        if let tauri::RunEvent::Exit = event {
            if let Some(state) = handle.try_state::<AppState>() {
                state.close_for_exit();
            }
        }
    });
    ExitCode::SUCCESS
}

/// The single-instance name of a window on `data_dir`: one window per data folder, so that a
/// second launch on the same folder goes to the window already open, while a window on another
/// folder (another replica of the centre, as the exchange tests run side by side) opens. On
/// Linux this is the session bus name the plugin takes; on Windows the plugin keys on the app's
/// identifier alone, so there it stays one Haven window per signed-in user.
fn instance_name(identifier: &str, data_dir: &std::path::Path) -> String {
    use std::hash::{Hash, Hasher};
    let dir = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
    let mut h = std::hash::DefaultHasher::new();
    dir.hash(&mut h);
    // A bus name's parts are letters, digits and `_`, and none starts with a digit.
    format!("{identifier}.d{:016x}", h.finish())
}
