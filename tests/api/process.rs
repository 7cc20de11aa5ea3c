//! The `clientele` binary itself: its commands, JSON logs with request ids and no secrets, and a
//! SIGTERM that lets in-flight requests finish before it exits.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_clientele");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn http(port: u16, raw: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

#[test]
fn every_command_has_help() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["user", "create", "--help"],
        &["api-key", "create", "--help"],
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Usage"), "{args:?}: {text}");
    }
    let out = Command::new(BIN)
        .args(["serve", "--help"])
        .env("JWT_SECRET", "do-not-print-me")
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("do-not-print-me"),
        "secrets never shown in help"
    );
}

#[test]
fn serves_logs_json_without_secrets_and_drains_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("clientele-proc-{}", ulid::Ulid::generate()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("c.db").display());
    let password = "s3cret-Pa55word-xyz";
    let out = Command::new(BIN)
        .args(["user", "create", "-e", "ops@example.com", "-p", password])
        .env("DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let key = Command::new(BIN)
        .args(["api-key", "create", "--title", "automation"])
        .env("DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(key.status.success());
    let api_token = String::from_utf8_lossy(&key.stdout).trim().to_string();
    assert!(
        api_token.starts_with("sk_") && api_token.len() == 67,
        "{api_token}"
    );

    let port = free_port();
    let log = dir.join("server.log");
    let mut server = Command::new(BIN)
        .arg("serve")
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", &db)
        .env("JWT_SECRET", "process-test-jwt-secret")
        .env("COOKIE_SECRET", "process-test-cookie-secret")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut up = false;
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(up, "server did not start");

    let body = format!(r#"{{"email":"ops@example.com","password":"{password}"}}"#);
    let resp = http(
        port,
        &format!(
            "POST /auth/user/emailpass HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    let json: Value = serde_json::from_str(resp.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    let token = json["token"].as_str().unwrap().to_string();
    let resp = http(
        port,
        &format!(
            "GET /admin/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nx-request-id: trace-me-42\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(resp.to_lowercase().contains("x-request-id: trace-me-42"));
    let basic = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("{api_token}:"),
    );
    let resp = http(
        port,
        &format!(
            "GET /admin/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {basic}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");

    let resp = http(
        port,
        &format!(
            "POST /auth/session HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
    );
    let cookie = resp
        .lines()
        .find_map(|l| {
            l.to_lowercase()
                .starts_with("set-cookie:")
                .then(|| l[11..].trim().split(';').next().unwrap().to_string())
        })
        .expect("a session cookie");
    let resp = http(
        port,
        &format!("GET /admin/users/me HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"),
    );
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");

    // a request in flight when SIGTERM arrives: half its body is sent before, half after
    let mut slow = TcpStream::connect(("127.0.0.1", port)).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let create = r#"{"email":"inflight@example.com"}"#;
    slow.write_all(format!("POST /admin/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}", create.len(), &create[..10]).as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(300));
    slow.write_all(&create.as_bytes()[10..]).unwrap();
    let mut resp = String::new();
    let _ = slow.read_to_string(&mut resp);
    assert!(
        resp.starts_with("HTTP/1.1 200"),
        "the in-flight request finishes: {resp}"
    );
    let mut exited = None;
    for _ in 0..100 {
        if let Some(status) = server.try_wait().unwrap() {
            exited = Some(status);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = exited.unwrap_or_else(|| {
        let _ = server.kill();
        panic!("did not exit after SIGTERM")
    });
    assert!(status.success(), "{status:?}");

    let logs = std::fs::read_to_string(&log).unwrap();
    let mut saw_request = false;
    for line in logs.lines().filter(|l| !l.trim().is_empty()) {
        let entry: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        if entry["span"]["request.id"] == "trace-me-42" {
            saw_request = true;
        }
    }
    assert!(saw_request, "a log line carries the request id:\n{logs}");
    let sid = cookie.trim_start_matches("connect.sid=").to_string();
    for secret in [
        password,
        token.as_str(),
        api_token.as_str(),
        sid.as_str(),
        "process-test-jwt-secret",
        "process-test-cookie-secret",
    ] {
        assert!(!logs.contains(secret), "a secret leaked into the logs");
    }
    let _ = std::fs::remove_dir_all(dir);
}
