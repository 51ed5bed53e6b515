//! `radar users add|list|token|disable|enable|passwd|revoke|remove`: the
//! accounts of the web UI and API. A password is read without echo from a
//! terminal, or as one line from standard input (`--password-stdin`, or
//! whenever stdin is not a terminal). Every change is in the audit trail
//! with the actor `cli`.

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
    /// List the users, their state and their tokens' expiry.
    List,
    /// Print a new bearer token for the API (only its SHA-256 is kept).
    Token {
        name: String,
        /// Days until the token expires.
        #[arg(long, default_value_t = accounts::DEFAULT_TOKEN_DAYS)]
        days: u32,
    },
    /// Disable a user: its sessions end at once, its tokens are refused.
    Disable { name: String },
    /// Enable a disabled user again.
    Enable { name: String },
    /// Set a user's password (its sessions end).
    Passwd {
        name: String,
        /// Read the password as one line from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Revoke every bearer token of a user.
    Revoke { name: String },
    /// Remove a user with its tokens and sessions (the ledger keeps its name).
    Remove { name: String },
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
    let mut store = Store::open(&home.db_path())?;
    let actor = accounts::CLI_ACTOR;
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
                actor,
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
            let tokens = store.tokens()?;
            let now = crate::web::now_utc();
            for u in &users {
                let mine: Vec<_> = tokens.iter().filter(|t| t.user == u.name).collect();
                let live = mine
                    .iter()
                    .filter(|t| t.expires_at.as_deref().is_none_or(|e| e > now.as_str()))
                    .count();
                let latest = mine
                    .iter()
                    .filter_map(|t| t.expires_at.as_deref())
                    .max()
                    .map(|e| format!(", latest expires {e}"))
                    .unwrap_or_default();
                println!(
                    "{:<16} {:<10} {:<12} {:<8} {} token(s) live of {}{latest}  created {}",
                    u.name,
                    u.role.as_str(),
                    u.enterprise.as_deref().unwrap_or("-"),
                    if u.is_disabled() {
                        "disabled"
                    } else {
                        "active"
                    },
                    live,
                    mine.len(),
                    u.created_at
                );
            }
            println!("{} user(s), {} token(s)", users.len(), tokens.len());
        }
        UsersCommand::Token { name, days } => {
            let (token, expires) = accounts::new_token(&store, actor, name, *days)?;
            println!("{token}");
            eprintln!(
                "a new bearer token for {name}, valid until {expires} ({days} days): send it as `Authorization: Bearer …`; it is shown only once"
            );
        }
        UsersCommand::Disable { name } => {
            accounts::set_disabled(&mut store, actor, name, true)?;
            println!("disabled user {name}: its sessions ended, its tokens are refused");
        }
        UsersCommand::Enable { name } => {
            accounts::set_disabled(&mut store, actor, name, false)?;
            println!("enabled user {name}");
        }
        UsersCommand::Passwd {
            name,
            password_stdin,
        } => {
            if store.user(name)?.is_none() {
                anyhow::bail!("no user `{name}`");
            }
            let password = read_password(*password_stdin)?;
            accounts::set_password(&mut store, actor, name, &password, None)?;
            println!("set the password of {name}: its sessions ended");
        }
        UsersCommand::Revoke { name } => {
            let n = accounts::revoke_tokens(&store, actor, name)?;
            println!("revoked {n} token(s) of {name}");
        }
        UsersCommand::Remove { name } => {
            accounts::remove_user(&mut store, actor, name)?;
            println!("removed user {name} with its tokens and sessions");
        }
    }
    Ok(())
}
