//! `accord`: the service desk server and its administration commands.

use std::path::PathBuf;
use std::process::ExitCode;

use app::domain::Role;
use clap::{Parser, Subcommand};
use server::{Config, StartError};

/// Accord, the SLA-aware service desk.
#[derive(Parser)]
#[command(name = "accord", version, about, long_about = None)]
struct Cli {
    /// A TOML file with settings (database_url, listen, base_url, secret_key, site_root);
    /// ACCORD_* environment variables override it.
    #[arg(long, global = true, env = "ACCORD_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server (the default). Migrates the database first.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo data (customers, agents, ~300 tickets). Running it twice changes nothing.
    Demo,
    /// Manage agents from the command line.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Business-time arithmetic and SLA clocks: `due`, `elapsed`, `replay` (see `accord sla --help`).
    #[command(disable_help_flag = true)]
    Sla {
        /// The sla command and its flags.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin agent. The password is asked for, or read from --password-file.
    Create {
        /// The agent's email address (their sign-in).
        #[arg(long)]
        email: String,
        /// The agent's display name.
        #[arg(long)]
        name: String,
        /// Read the password from this file (first line) instead of prompting.
        #[arg(long)]
        password_file: Option<PathBuf>,
        /// The role: agent, manager or admin.
        #[arg(long, default_value = "admin")]
        role: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `accord sla` answers in JSON on stdout, its errors too: no logging, no runtime.
    if let Some(Command::Sla { args }) = &cli.command {
        let code = server::sla_cli::run(args, &mut std::io::stdin().lock(), &mut std::io::stdout().lock());
        return ExitCode::from(code);
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ACCORD_LOG").unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("accord: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("accord: {e}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> Result<(), StartError> {
    let config = Config::load(cli.config.as_deref(), &|k| std::env::var(k).ok())?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let db = server::open_db(&config.database_url).await?;
            let listener = server::bind(&config).await?;
            let state = server::state(&config, db.clone()).await?;
            let agents = app::server::store::agents::count(&db).await.unwrap_or(0);
            if agents == 0 {
                tracing::warn!("no agents yet: create one with `accord admin create --email … --name …` or load `accord demo`");
            }
            println!("Accord is listening on {} (database: {})", config.base_url, db.backend());
            server::serve(listener, state).await
        }
        Command::Migrate => {
            server::open_db(&config.database_url).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Demo => {
            let db = server::open_db(&config.database_url).await?;
            let outcome = app::server::demo::load(&db, chrono::Utc::now())
                .await
                .map_err(|e| StartError { setting: "ACCORD_DATABASE_URL", message: format!("cannot load demo data: {e}") })?;
            match outcome {
                app::server::demo::DemoOutcome::Loaded { tickets } => println!("demo data loaded: 3 customers, 5 agents, {tickets} tickets"),
                app::server::demo::DemoOutcome::AlreadyLoaded => println!("demo data is already loaded"),
            }
            println!("demo sign-in: {} / {}", app::server::demo::DEMO_EMAIL, app::server::demo::DEMO_PASSWORD);
            Ok(())
        }
        Command::Sla { .. } => Ok(()),
        Command::Admin { command: AdminCommand::Create { email, name, password_file, role } } => {
            let role = Role::parse(&role).map_err(|_| StartError { setting: "--role", message: format!("'{role}' is not agent, manager or admin") })?;
            let password = match password_file {
                Some(p) => std::fs::read_to_string(&p)
                    .map_err(|e| StartError { setting: "--password-file", message: format!("cannot read {}: {e}", p.display()) })?
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_owned(),
                None => {
                    let first = rpassword::prompt_password("Password: ")
                        .map_err(|e| StartError { setting: "password", message: format!("cannot read the password: {e}") })?;
                    let again = rpassword::prompt_password("Repeat the password: ")
                        .map_err(|e| StartError { setting: "password", message: format!("cannot read the password: {e}") })?;
                    if first != again {
                        return Err(StartError { setting: "password", message: "the two passwords differ".into() });
                    }
                    first
                }
            };
            let db = server::open_db(&config.database_url).await?;
            let id = app::server::services::auth::create_agent_with_password(&db, &email, &name, role, &password, chrono::Utc::now())
                .await
                .map_err(|e| match e {
                    app::error::AppError::Invalid(errs) => StartError {
                        setting: "admin create",
                        message: errs
                            .iter()
                            .map(|f| format!("{}: {}", f.field, app::i18n::EN.problem(&f.problem)))
                            .collect::<Vec<_>>()
                            .join("; "),
                    },
                    other => StartError { setting: "ACCORD_DATABASE_URL", message: other.to_string() },
                })?;
            println!("created {} {} with id {id}", role.as_str(), email.trim().to_lowercase());
            Ok(())
        }
    }
}
