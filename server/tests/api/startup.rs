//! Start-up refuses bad settings with one line naming the setting: no panic, no backtrace.

use std::process::Command;

fn accord(envs: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let dir = std::env::temp_dir().join(format!("accord-start-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_accord"));
    cmd.current_dir(&dir).env_remove("ACCORD_DATABASE_URL").env_remove("ACCORD_CONFIG").args(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

fn one_line_naming(stderr: &str, setting: &str) {
    let lines: Vec<_> = stderr.lines().filter(|l| l.starts_with("accord: ")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with(&format!("accord: {setting}: ")), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"), "{stderr}");
}

#[test]
fn a_port_in_use_names_accord_listen() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (code, _, err) = accord(&[("ACCORD_LISTEN", &addr)], &["serve"]);
    assert_eq!(code, 2);
    one_line_naming(&err, "ACCORD_LISTEN");
}

#[test]
fn bad_or_unreachable_databases_name_accord_database_url() {
    let (code, _, err) = accord(&[("ACCORD_DATABASE_URL", "mysql://nope")], &["migrate"]);
    assert_eq!(code, 2);
    one_line_naming(&err, "ACCORD_DATABASE_URL");
    let (code, _, err) = accord(&[("ACCORD_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")], &["migrate"]);
    assert_eq!(code, 2);
    one_line_naming(&err, "ACCORD_DATABASE_URL");
}

#[test]
fn an_unparseable_listen_address_names_accord_listen() {
    let (code, _, err) = accord(&[("ACCORD_LISTEN", "everywhere")], &[]);
    assert_eq!(code, 2);
    one_line_naming(&err, "ACCORD_LISTEN");
}

#[test]
fn migrate_creates_the_default_sqlite_file_and_admin_create_makes_a_login() {
    let dir = std::env::temp_dir().join(format!("accord-admin-{}", rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}/sub/accord.db", dir.display());
    let pw = dir.join("pw");
    std::fs::write(&pw, "a long enough password\n").unwrap();
    let (code, out, err) = accord(&[("ACCORD_DATABASE_URL", &db)], &["migrate"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("migrations applied"));
    assert!(dir.join("sub/accord.db").exists());
    let pwf = pw.display().to_string();
    let args = ["admin", "create", "--email", "Boss@Example.com", "--name", "Boss", "--password-file", pwf.as_str()];
    let (code, out, err) = accord(&[("ACCORD_DATABASE_URL", &db)], &args);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("boss@example.com"));
    let (code, _, err) = accord(&[("ACCORD_DATABASE_URL", &db)], &args);
    assert_eq!(code, 2);
    assert!(err.contains("email: Already in use."), "{err}");
    std::fs::write(&pw, "short\n").unwrap();
    let args2 = ["admin", "create", "--email", "x@example.com", "--name", "X", "--password-file", pwf.as_str()];
    let (code, _, err) = accord(&[("ACCORD_DATABASE_URL", &db)], &args2);
    assert_eq!(code, 2);
    assert!(err.contains("password: At least 10 characters."), "{err}");
    let (code, out, _) = accord(&[], &["admin", "create", "--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("--password-file"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn sigterm_stops_the_server_even_with_a_live_stream_open() {
    let dir = std::env::temp_dir().join(format!("accord-term-{}", rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let db = format!("sqlite://{}/accord.db", dir.display());
    let pw = dir.join("pw");
    std::fs::write(&pw, "a long enough password\n").unwrap();
    let pwf = pw.display().to_string();
    let (code, _, err) = accord(&[("ACCORD_DATABASE_URL", &db)], &["admin", "create", "--email", "t@example.com", "--name", "T", "--password-file", &pwf]);
    assert_eq!(code, 0, "{err}");
    let listen = format!("127.0.0.1:{port}");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_accord"))
        .current_dir(&dir)
        .env("ACCORD_DATABASE_URL", &db)
        .env("ACCORD_LISTEN", &listen)
        .env("ACCORD_SITE_ROOT", dir.display().to_string())
        .arg("serve")
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://{listen}");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers([(reqwest::header::ORIGIN, base.parse().unwrap())].into_iter().collect())
        .build()
        .unwrap();
    let mut up = false;
    for _ in 0..100 {
        if client.get(format!("{base}/health")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(up, "the server did not start");
    client.post(format!("{base}/auth/login")).form(&[("email", "t@example.com"), ("password", "a long enough password")]).send().await.unwrap();
    let stream = client.get(format!("{base}/api/live/tickets")).send().await.unwrap();
    assert_eq!(stream.status(), 200);
    let pid = child.id().unwrap().to_string();
    std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let exited = tokio::time::timeout(std::time::Duration::from_secs(10), child.wait()).await;
    assert!(exited.is_ok(), "the server still runs 10 s after SIGTERM with a stream open");
    drop(stream);
    let _ = std::fs::remove_dir_all(&dir);
}
