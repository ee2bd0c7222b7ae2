//! The `warta archive` and `warta backup` subcommands as an operator runs them: the built
//! binary, its exit status and what it prints. What the bundles hold is tested end to end in
//! `tests/tests/api/export.rs`.

use std::{
    io::{Read, Write},
    path::Path,
    process::{Command, Output},
};

fn warta(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warta"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("WARTA_DATA_DIR")
        .output()
        .expect("warta runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn succeeded(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

fn names_in(zip: &Path) -> Vec<String> {
    let archive = zip::ZipArchive::new(std::fs::File::open(zip).expect("the zip")).expect("a zip");
    archive
        .file_names()
        .map(|n| n.expect("a name").into_owned())
        .collect()
}

#[test]
fn export_verify_and_backup_from_the_command_line() {
    let dir = tempfile::tempdir().expect("a directory");
    let data = dir.path().join("data");
    succeeded(&warta(&data, &["migrate"]));

    let export = dir.path().join("records.zip");
    let out = succeeded(&warta(
        &data,
        &[
            "archive",
            "export",
            "--since",
            "2026-12-01",
            "--out",
            export.to_str().expect("UTF-8"),
        ],
    ));
    assert!(out.contains("exported 0 entries"), "{out}");
    assert_eq!(names_in(&export), ["manifest.json"]);

    let out = succeeded(&warta(
        &data,
        &["archive", "verify", export.to_str().expect("UTF-8")],
    ));
    assert!(out.starts_with("OK: 0 entries"), "{out}");

    // A file slipped into the bundle: verify says which, and exits non-zero.
    let mut manifest = String::new();
    zip::ZipArchive::new(std::fs::File::open(&export).expect("the zip"))
        .expect("a zip")
        .by_name("manifest.json")
        .expect("the manifest")
        .read_to_string(&mut manifest)
        .expect("text");
    let tampered = dir.path().join("tampered.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&tampered).expect("create"));
    for (name, bytes) in [
        ("manifest.json", manifest.as_bytes()),
        ("entries/x/entry.json", b"{}".as_slice()),
    ] {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("a file");
        zip.write_all(bytes).expect("written");
    }
    zip.finish().expect("finished");
    let failed = warta(
        &data,
        &["archive", "verify", tampered.to_str().expect("UTF-8")],
    );
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        text(&failed.stdout).contains("extra: entries/x/entry.json"),
        "{}",
        text(&failed.stdout)
    );
    assert!(text(&failed.stderr).contains("does not match its manifest"));

    let backwards = dir.path().join("backwards.zip");
    let failed = warta(
        &data,
        &[
            "archive",
            "export",
            "--since",
            "2026-12-02",
            "--until",
            "2026-12-01",
            "--out",
            backwards.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(failed.status.code(), Some(1));
    assert!(text(&failed.stderr).contains("is after --until"));
    assert!(!backwards.exists());

    let backup = dir.path().join("backup.zip");
    let out = succeeded(&warta(
        &data,
        &["backup", "--out", backup.to_str().expect("UTF-8")],
    ));
    assert!(out.starts_with("backed up 0 requests"), "{out}");
    let names = names_in(&backup);
    assert!(names.contains(&"warta.db".to_owned()), "{names:?}");
    assert!(
        names.contains(&"backup-manifest.json".to_owned()),
        "{names:?}"
    );

    // No database where one is expected: refused, and no empty one is made up.
    let elsewhere = dir.path().join("elsewhere");
    let failed = warta(
        &elsewhere,
        &["backup", "--out", backup.to_str().expect("UTF-8")],
    );
    assert_eq!(failed.status.code(), Some(1));
    assert!(text(&failed.stderr).contains("no database at"));
    assert!(!elsewhere.join("warta.db").exists());

    let failed = Command::new(env!("CARGO_BIN_EXE_warta"))
        .args([
            "--database-url",
            "postgres://postgres@127.0.0.1:5432/postgres",
            "backup",
            "--out",
        ])
        .arg(dir.path().join("pg.zip"))
        .output()
        .expect("warta runs");
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        text(&failed.stderr).contains("pg_dump"),
        "{}",
        text(&failed.stderr)
    );
    assert!(!dir.path().join("pg.zip").exists());
}
