//! `radar users add|list|token`: the accounts of the web UI and API. A
//! password is read without echo from a terminal, or as one line from
//! standard input (`--password-stdin`, or whenever stdin is not a terminal).

use crate::config::Home;
use crate::store::{Store, UserRole};
use crate::web::accounts;
use std::io::{BufRead, IsTerminal};

#[derive(Debug, Clone, clap::Args)]
pub struct UsersArgs {
    #[command(subcommand)]
    pub command: UsersCommand,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum UsersCommand {
    /// Add a user (admin, reviewer, or an enterprise's read-only officer).
    Add {
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: UserRole,
        /// For the enterprise role: the registry id it may see.
        #[arg(long)]
        enterprise: Option<String>,
        /// Read the password as one line from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the users.
    List,
    /// Print a new bearer token for the API (only its SHA-256 is kept).
    Token { name: String },
}

fn parse_role(s: &str) -> Result<UserRole, String> {
    UserRole::parse(s).ok_or_else(|| format!("`{s}`: one of admin, reviewer, enterprise"))
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if !from_stdin && std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("password: ")?;
        let again = rpassword::prompt_password("again: ")?;
        anyhow::ensure!(first == again, "the passwords differ; nothing written");
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub fn run(home: &Home, args: &UsersArgs) -> anyhow::Result<()> {
    let store = Store::open(&home.db_path())?;
    match &args.command {
        UsersCommand::Add {
            name,
            role,
            enterprise,
            password_stdin,
        } => {
            let (_, registry) = crate::registry::check_home(home)
                .map_err(|p| anyhow::anyhow!("configuration problems:\n{p}"))?;
            let password = read_password(*password_stdin)?;
            let u = accounts::add_user(
                &store,
                &registry,
                name,
                *role,
                enterprise.as_deref(),
                &password,
            )?;
            let of = u
                .enterprise
                .as_deref()
                .map(|e| format!(" of {e}"))
                .unwrap_or_default();
            println!("added user {} ({}{of})", u.name, u.role.as_str());
        }
        UsersCommand::List => {
            let users = store.users()?;
            for u in &users {
                println!(
                    "{:<16} {:<10} {:<12} {}",
                    u.name,
                    u.role.as_str(),
                    u.enterprise.as_deref().unwrap_or("-"),
                    u.created_at
                );
            }
            println!("{} user(s)", users.len());
        }
        UsersCommand::Token { name } => {
            let token = accounts::new_token(&store, name)?;
            println!("{token}");
            eprintln!(
                "a new bearer token for {name}: send it as `Authorization: Bearer …`; it is shown only once"
            );
        }
    }
    Ok(())
}
