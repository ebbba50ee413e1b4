//! Configuration: `ACCORD_*` environment variables over an optional TOML file
//! (`--config FILE` or `ACCORD_CONFIG`). Every value is checked here, once, and a bad one
//! is reported in one line naming the setting.

use std::net::SocketAddr;
use std::path::Path;

use serde::Deserialize;

/// The checked configuration.
#[derive(Clone)]
pub struct Config {
    pub database_url: String,
    pub listen: SocketAddr,
    pub base_url: String,
    /// Optional: without it a random key is generated once and kept in the database.
    pub secret_key: Option<String>,
    /// Where the built site (wasm, js, css, assets) lies.
    pub site_root: String,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("listen", &self.listen)
            .field("base_url", &self.base_url)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "<set>"))
            .field("site_root", &self.site_root)
            .finish()
    }
}

/// A database URL with its password hidden, for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A setting that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{setting}: {message}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub message: String,
}

fn err(setting: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError { setting, message: message.into() }
}

/// The settings a config file may hold; all optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    listen: Option<String>,
    base_url: Option<String>,
    secret_key: Option<String>,
    site_root: Option<String>,
}

/// The default database: a SQLite file under `./data/`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/accord.db";
/// The default address to listen on.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:3000";

impl Config {
    /// Reads the file (if any), then the environment, and checks every value.
    ///
    /// # Errors
    /// `ConfigError` naming the first bad setting.
    pub fn load(file: Option<&Path>, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let file_path = file.map(Path::to_path_buf).or_else(|| env("ACCORD_CONFIG").map(Into::into));
        let from_file = match &file_path {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| err("ACCORD_CONFIG", format!("cannot read {}: {e}", p.display())))?;
                toml::from_str::<FileConfig>(&text).map_err(|e| {
                    err("ACCORD_CONFIG", format!("{} is not a valid config file: {}", p.display(), e.message()))
                })?
            }
            None => FileConfig::default(),
        };
        let pick = |var: &str, file: Option<String>| env(var).filter(|v| !v.trim().is_empty()).or(file).map(|v| v.trim().to_owned());

        let database_url = pick("ACCORD_DATABASE_URL", from_file.database_url).unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        check_database_url(&database_url)?;

        let listen_text = pick("ACCORD_LISTEN", from_file.listen).unwrap_or_else(|| DEFAULT_LISTEN.into());
        let listen: SocketAddr = listen_text
            .parse()
            .map_err(|_| err("ACCORD_LISTEN", format!("'{listen_text}' is not an address:port such as 127.0.0.1:3000")))?;

        let base_url = pick("ACCORD_BASE_URL", from_file.base_url).unwrap_or_else(|| format!("http://{listen}"));
        check_base_url(&base_url)?;

        let secret_key = pick("ACCORD_SECRET_KEY", from_file.secret_key);
        if let Some(k) = &secret_key {
            if k.chars().count() < 32 {
                return Err(err("ACCORD_SECRET_KEY", "must be at least 32 characters long"));
            }
        }
        let site_root = pick("ACCORD_SITE_ROOT", from_file.site_root)
            .or_else(|| env("LEPTOS_SITE_ROOT"))
            .unwrap_or_else(|| "target/site".into());
        Ok(Config { database_url, listen, base_url: base_url.trim_end_matches('/').to_owned(), secret_key, site_root })
    }
}

fn check_database_url(url: &str) -> Result<(), ConfigError> {
    let ok_scheme = ["sqlite:", "postgres://", "postgresql://"].iter().any(|s| url.starts_with(s));
    if !ok_scheme {
        return Err(err(
            "ACCORD_DATABASE_URL",
            format!("'{}' is not a database URL (use sqlite://path/to/file.db or postgres://user@host/db)", redact_url(url)),
        ));
    }
    if url.starts_with("postgres") {
        let rest = url.split_once("://").map(|(_, r)| r).unwrap_or("");
        let host = rest.rsplit_once('@').map(|(_, h)| h).unwrap_or(rest);
        if host.is_empty() || host.starts_with('/') {
            return Err(err("ACCORD_DATABASE_URL", format!("'{}' names no host", redact_url(url))));
        }
    }
    Ok(())
}

fn check_base_url(url: &str) -> Result<(), ConfigError> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.contains(' ') && !r.starts_with('/') => Ok(()),
        _ => Err(err("ACCORD_BASE_URL", format!("'{url}' is not an http:// or https:// address"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::load(None, &|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_are_a_local_sqlite_file_on_port_3000() {
        let c = load(&[]).unwrap();
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(c.base_url, "http://127.0.0.1:3000");
        assert!(c.secret_key.is_none());
    }

    #[test]
    fn bad_values_name_their_setting() {
        let e = load(&[("ACCORD_LISTEN", "localhost")]).unwrap_err();
        assert_eq!(e.setting, "ACCORD_LISTEN");
        let e = load(&[("ACCORD_DATABASE_URL", "mysql://x")]).unwrap_err();
        assert_eq!(e.setting, "ACCORD_DATABASE_URL");
        let e = load(&[("ACCORD_DATABASE_URL", "postgres://")]).unwrap_err();
        assert_eq!(e.setting, "ACCORD_DATABASE_URL");
        let e = load(&[("ACCORD_BASE_URL", "desk.example.com")]).unwrap_err();
        assert_eq!(e.setting, "ACCORD_BASE_URL");
        let e = load(&[("ACCORD_SECRET_KEY", "short")]).unwrap_err();
        assert_eq!(e.setting, "ACCORD_SECRET_KEY");
        assert!(e.to_string().starts_with("ACCORD_SECRET_KEY: "));
    }

    #[test]
    fn config_file_values_are_overridden_by_the_environment() {
        let dir = std::env::temp_dir().join(format!("accord-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("accord.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:4000\"\nbase_url = \"https://desk.example.com/\"\n").unwrap();
        let c = Config::load(Some(&path), &|k| (k == "ACCORD_LISTEN").then(|| "127.0.0.1:5000".to_string())).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:5000");
        assert_eq!(c.base_url, "https://desk.example.com");
        std::fs::write(&path, "listen = 3000\n").unwrap();
        assert_eq!(Config::load(Some(&path), &|_| None).unwrap_err().setting, "ACCORD_CONFIG");
        std::fs::write(&path, "colour = \"blue\"\n").unwrap();
        assert_eq!(Config::load(Some(&path), &|_| None).unwrap_err().setting, "ACCORD_CONFIG");
    }

    #[test]
    fn passwords_are_hidden_in_logged_urls() {
        assert_eq!(redact_url("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact_url("sqlite://data/a.db"), "sqlite://data/a.db");
        let c = load(&[("ACCORD_SECRET_KEY", &"k".repeat(40))]).unwrap();
        assert!(!format!("{c:?}").contains("kkkk"));
    }
}
