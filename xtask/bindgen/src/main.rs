//! `xtask-bindgen MODULE.wasm OUT_DIR`: writes the browser's JavaScript glue
//! and the bound module for the playground into `OUT_DIR`, with the
//! `wasm-bindgen-cli-support` library pinned to the version of `wasm-bindgen`
//! (so no separately installed CLI can drift). `cargo xtask build` runs it
//! when the playground's sources changed; see `xtask/src/wasm.rs`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [input, out_dir] = args.as_slice() else {
        eprintln!("usage: xtask-bindgen MODULE.wasm OUT_DIR");
        return ExitCode::FAILURE;
    };
    let generated = wasm_bindgen_cli_support::Bindgen::new()
        .input_path(input)
        .web(true)
        .map(|bindgen| {
            bindgen
                .omit_default_module_path(false)
                .typescript(false)
                .generate(out_dir)
        });
    match generated {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) | Err(e) => {
            eprintln!("wasm-bindgen on {}: {e}", input.display());
            ExitCode::FAILURE
        }
    }
}
