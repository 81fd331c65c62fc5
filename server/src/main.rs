//! `server serve | migrate | seed-demo | seed-scale | create-user | backup`.
use app::auth::password::hash_password;
use app::db::{new_id, Db};
use app::model::Role;
use app::time::now_ms;
use clap::{Parser, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use server::config::Settings;
use std::process::ExitCode;

/// See server/Cargo.toml: measured faster than glibc's for rendering pages.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "server", about = "Mit Forløb server")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the app (the default).
    Serve,
    /// Apply database migrations and stop.
    Migrate,
    /// Fill an empty database with the demo municipality.
    SeedDemo,
    /// Add a municipality's worth of made-up data (for benchmarks), then
    /// refresh the planner's statistics. Prints the logins it made.
    SeedScale {
        #[arg(long, default_value_t = 1_000)]
        citizens: usize,
        /// Messages in one long thread.
        #[arg(long, default_value_t = 10_000)]
        messages: usize,
        /// Days of daily wellbeing for that thread's citizen.
        #[arg(long, default_value_t = 3 * 365)]
        wellbeing_days: usize,
        #[arg(long, default_value_t = 100_000)]
        audit_rows: usize,
        /// Keeps e-mail addresses apart when one database gets several sets.
        #[arg(long, default_value = "1")]
        tag: String,
    },
    /// Create a staff account. The password is read from MITFORLOB_NEW_PASSWORD or standard input.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// caseworker, health_coordinator or administrator
        #[arg(long)]
        role: String,
    },
    /// Write a consistent copy of the SQLite database to a new file, also while serving.
    Backup {
        #[arg(long)]
        to: std::path::PathBuf,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    server::init_logging();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The whole cause chain, for whoever runs the server.
            let mut msg = e.to_string();
            let mut source = e.source();
            while let Some(s) = source {
                msg.push_str(&format!(": {s}"));
                source = s.source();
            }
            tracing::error!("{msg}");
            ExitCode::FAILURE
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

async fn open(settings: &Settings) -> Result<Db, BoxError> {
    let db = Db::connect(settings.database_url()).await?;
    db.migrate().await?;
    Ok(db)
}

async fn run(cli: Cli) -> Result<(), BoxError> {
    let settings = Settings::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            open(&settings).await?;
            tracing::info!(database = settings.database_kind(), "migrations applied");
        }
        Command::SeedDemo => {
            let db = open(&settings).await?;
            if app::seed::seed_demo(&db).await? {
                tracing::info!("demo data created");
            } else {
                tracing::info!("the database already has users; demo data not added");
            }
            print_demo_logins();
        }
        Command::SeedScale {
            citizens,
            messages,
            wellbeing_days,
            audit_rows,
            tag,
        } => {
            let db = open(&settings).await?;
            let scale = app::scale::Scale {
                citizens,
                messages,
                wellbeing_days,
                audit_rows,
            };
            let made = app::scale::seed_scale(&db, &scale, &tag).await?;
            app::scale::analyze(&db).await?;
            println!(
                "caseworker {} ({} citizens); citizen {} (thread /messages/{}); password {}",
                made.caseworker_email,
                scale.citizens,
                made.citizen_email,
                made.long_thread_id,
                app::scale::PASSWORD
            );
        }
        Command::CreateUser { email, name, role } => {
            let db = open(&settings).await?;
            create_user(&db, &email, &name, &role).await?;
        }
        Command::Backup { to } => {
            // No migration: a backup copies the database as it is.
            let db = Db::connect(settings.database_url()).await?;
            db.backup_to(&to).await?;
            tracing::info!(file = %to.display(), "backup written");
        }
        Command::Serve => server::serve::until_signal(settings).await?,
    }
    Ok(())
}

fn print_demo_logins() {
    println!("\nDemo logins (password for all: {}):", app::seed::DEMO_PASSWORD);
    for l in app::seed::DEMO_LOGINS {
        println!("  {:<20} {:<28} {}", l.role, l.email, l.name);
    }
    println!();
}

async fn create_user(db: &Db, email: &str, name: &str, role: &str) -> Result<(), BoxError> {
    let role = Role::parse(role)
        .filter(|r| r.is_staff())
        .ok_or("role must be caseworker, health_coordinator or administrator")?;
    let email = email.trim().to_lowercase();
    if !email.contains('@') || name.trim().is_empty() {
        return Err("give a valid --email and a --name".into());
    }
    let password = match std::env::var("MITFORLOB_NEW_PASSWORD") {
        Ok(p) => SecretString::from(p),
        Err(_) => {
            eprintln!(
                "Password (at least {} characters), then Enter:",
                app::auth::PASSWORD_MIN
            );
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            SecretString::from(line.trim_end_matches(['\r', '\n']).to_string())
        }
    };
    // The same rules as a citizen choosing a password.
    app::auth::activation::check_new_password(password.expose_secret(), password.expose_secret()).map_err(
        |_| {
            format!(
                "the password must be {}–{} characters",
                app::auth::PASSWORD_MIN,
                app::auth::PASSWORD_MAX
            )
        },
    )?;
    let hash = hash_password(password).await?;
    sqlx::query(
        "INSERT INTO users (id, role, display_name, email, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(role.as_str())
    .bind(name.trim())
    .bind(&email)
    .bind(hash)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    tracing::info!(role = role.as_str(), "staff account created");
    Ok(())
}
