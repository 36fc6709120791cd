//! `accordo`: serve the platform, and administer it from the command line.
//!
//! A thin front: every command parses its arguments, opens the store and calls a service.

mod forecast;
mod mrz;
mod online;
mod quotas;

use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accordo::MODULES;
use accordo_service::{Platform, Settings, accounts, auth, demo, retention};
use accordo_store::Store;
use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Parser)]
#[command(
    name = "accordo",
    version,
    about = "The shared operational platform of a migration partnership.",
    long_about = "The shared operational platform of a migration partnership.\n\n\
        Start here:  accordo serve --demo   (the API answers at http://127.0.0.1:8080/api/v1; see the README tour)\n\n\
        Data lives in ./accordo-data/accordo.db (SQLite) unless --data-dir or --database-url says otherwise."
)]
struct Cli {
    #[command(flatten)]
    db: DbArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// Directory of the embedded SQLite database (accordo.db).
    #[arg(
        long,
        global = true,
        default_value = "./accordo-data",
        env = "ACCORDO_DATA_DIR"
    )]
    data_dir: PathBuf,
    /// PostgreSQL instead of SQLite, e.g. postgres://accordo@db.example/accordo.
    #[arg(long, global = true, env = "ACCORDO_DATABASE_URL")]
    database_url: Option<String>,
    /// The host state's time zone (IANA name), the calendar of its own records: the day a
    /// return decision or a stay is dated, "today" in its reports. Partners' deadlines are
    /// counted in their own zones whatever this says.
    #[arg(
        long,
        global = true,
        default_value = "Europe/Rome",
        env = "ACCORDO_HOST_TIME_ZONE"
    )]
    host_time_zone: String,
    /// A reverse proxy in front of accordo whose `X-Forwarded-For` header names the client
    /// (an address or block, e.g. 10.0.0.0/8; repeat or separate with commas). From any
    /// other address the header is ignored, so sign-in throttling counts the real client.
    #[arg(
        long = "trusted-proxy",
        global = true,
        value_delimiter = ',',
        env = "ACCORDO_TRUSTED_PROXIES"
    )]
    trusted_proxies: Vec<String>,
    /// The key that signs the audit chain's checkpoints (a file `accordo audit keygen`
    /// wrote, outside the data directory). Without it `serve` signs none (with --demo, it
    /// makes a key for the run).
    #[arg(long, global = true, env = "ACCORDO_AUDIT_KEY")]
    audit_key: Option<PathBuf>,
}

/// The platform's settings for these arguments: the defaults, the host state's zone and the
/// trusted proxies.
fn settings(db: &DbArgs) -> Result<Settings> {
    if jiff::tz::TimeZone::get(&db.host_time_zone).is_err() {
        bail!(
            "--host-time-zone {:?} is not a time zone this build knows; use an IANA name such as Europe/Rome",
            db.host_time_zone
        );
    }
    let trusted_proxies = db
        .trusted_proxies
        .iter()
        .map(|c| c.parse::<accordo_domain::net::Cidr>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow::anyhow!("--trusted-proxy: {e}"))?;
    let audit_key = db
        .audit_key
        .as_deref()
        .map(|file| load_audit_key(file, &db.data_dir))
        .transpose()?
        .map(std::sync::Arc::new);
    Ok(Settings {
        host_time_zone: db.host_time_zone.clone(),
        trusted_proxies,
        audit_key,
        ..Settings::default()
    })
}

#[derive(Subcommand)]
enum Command {
    /// Serve the platform over HTTP (the API, the pages, /healthz, /readyz, /metrics).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Load the demo partnership with its synthetic users (password `accordo-demo`).
        /// Only on a loopback address, and only into a fresh database.
        #[arg(long)]
        demo: bool,
        /// A folder of extra translation catalogues, `<language>/*.ftl` (Fluent: the
        /// platform's `accordo.ftl`, a pillar's `returns.ftl` …), offered beside the built-in
        /// ones; a message of a built-in language replaces the one with its id, the others
        /// stay. For translators to see their work without a rebuild.
        #[arg(long, env = "ACCORDO_LOCALES_DIR")]
        locales: Option<PathBuf>,
    },
    /// Apply the database migrations this version needs, then exit.
    Migrate,
    /// Manage agencies (the first one of an installation is made here, with --operator).
    #[command(subcommand)]
    Agency(AgencyCommand),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Create or revoke API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Apply the retention rules: erase or anonymise what is past its period.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Write the whole installation to a file (JSON Lines), to move it to another engine.
    Export { file: PathBuf },
    /// Load an export into an empty database (all or nothing).
    Import { file: PathBuf },
    /// The shared register of lost, stolen and forged documents.
    #[command(subcommand)]
    Documents(DocumentsCommand),
    /// Machine-readable zones of travel documents (ICAO Doc 9303).
    #[command(subcommand)]
    Mrz(MrzCommand),
    /// Statistics of arrivals and detections by route and nationality.
    #[command(subcommand)]
    Flows(FlowsCommand),
    /// Smugglers' adverts online: captured posts and their images.
    #[command(subcommand)]
    Online(OnlineCommand),
    /// Legal-entry quotas.
    #[command(subcommand)]
    Quotas(QuotasCommand),
    /// Copy a SQLite database while it is in use. For PostgreSQL use
    /// `pg_dump --format=custom --file=accordo.dump DATABASE_URL` and `pg_restore`.
    Backup { file: PathBuf },
}

#[derive(Subcommand)]
enum FlowsCommand {
    /// Import a published file (recognised by its header: Italy's sea arrivals by month or
    /// year or by nationality; Frontex's detections by route, month and nationality), all or
    /// nothing; importing it again changes nothing.
    Import {
        file: PathBuf,
        /// Who published it: ITA (Italy's Interior Ministry) or FRONTEX.
        #[arg(long)]
        source: String,
    },
    /// Recompute the forecasts of every published monthly series (Italy's arrivals, Frontex's
    /// total and each route) from the database, each by the model its backtest chooses, and
    /// print each series' choice and next months; with --out, write them all as
    /// `series,period,mean,lo80,hi80,lo95,hi95,model`. The server recomputes its own after
    /// each import; this is for operators and analysts at the command line.
    Forecast {
        /// Where to write every forecast as CSV (whole, or not at all).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Forecast your own series from a long CSV `series,period,value` (months YYYY-MM, ISO
    /// weeks YYYY-Www or days YYYY-MM-DD, one frequency a file; values 0 or more), each by the
    /// model a rolling-origin backtest chooses (seasonal naive, the theta family, exponential smoothing or STL with exponential smoothing), and write
    /// `series,period,mean,lo80,hi80,lo95,hi95,model` for the H periods after each series'
    /// last. Needs no database. Exit 1 when the file or the horizon is refused (line, column,
    /// rule), nothing written.
    ForecastFile {
        file: PathBuf,
        /// How many periods ahead, 1 to 60.
        #[arg(long)]
        horizon: usize,
        /// Where to write the forecasts (standard output when absent).
        #[arg(long)]
        out: Option<PathBuf>,
        /// `auto` (each series by the model its backtest chooses), or one model for every
        /// series with no backtest: `seasonal_naive`, `theta`, `ets`, `mstl`, `ets_theta` (the mean of the two).
        #[arg(long, default_value = "auto")]
        model: String,
    },
}

#[derive(Subcommand)]
enum DocumentsCommand {
    /// Import reports from a CSV file (header: issuing_state, document_type, document_number,
    /// status, reported_on, and optionally notes), all or nothing, owned by --agency.
    Import {
        file: PathBuf,
        /// The reporting agency, which owns the reports and alone may withdraw them.
        #[arg(long)]
        agency: String,
    },
}

#[derive(Subcommand)]
enum MrzCommand {
    /// Check MRZs read from FILE or standard input (blocks separated by blank lines): one
    /// JSON object per MRZ per line, with every check. Exit 0 when all are valid, 1 when any
    /// is not, 2 when the input cannot be read as text. Needs no database.
    Check { file: Option<PathBuf> },
}

#[derive(Subcommand)]
enum OnlineCommand {
    /// Print `HASH QUALITY FILE` for each image: its PDQ hash (64 hexadecimal digits, Meta's
    /// perceptual hash; two images 31 bits apart or fewer are the same picture) and quality
    /// (0 to 100; under 50 the hash is not to be trusted). A file that is not an image, or is
    /// too large to decode, is named on standard error. Exit 0 when every file was hashed, 1
    /// when any was not. Needs no database.
    Pdq {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Record the posts of a capture tool's export as USER (an officer or analyst of the
    /// referral unit, whose agency keeps them), all or nothing: a CSV with the header
    /// `url,platform,account,captured_at,language,text`, or JSON Lines (one post a line, as
    /// the API's `POST /api/v1/online/items` takes it, images in base64). A bad row refuses
    /// the file, naming its line and field. Nothing is fetched from the addresses.
    Import {
        file: PathBuf,
        /// The username of the officer or analyst capturing them.
        #[arg(long = "as")]
        user: String,
        /// `csv` or `jsonl`; by the file's extension when not given.
        #[arg(long)]
        format: Option<String>,
    },
}

#[derive(Subcommand)]
enum QuotasCommand {
    /// Divide N quotas among partners by weight (CODE=WEIGHT …) with exact integer totals,
    /// and print {"CODE": quotas, …}. Quotients and remainders are compared exactly on the
    /// weights' decimal values; a true tie goes to the larger weight, then to the code first
    /// in alphabetical order. Needs no database. Exit 2 when the floors and caps cannot be
    /// met.
    Apportion {
        /// largest-remainder, dhondt or sainte-lague.
        #[arg(long, default_value = "largest-remainder")]
        method: String,
        /// How many quotas to divide.
        #[arg(long)]
        seats: u64,
        /// The least a partner receives, as CODE=N (repeatable).
        #[arg(long = "floor", value_name = "CODE=N")]
        floors: Vec<String>,
        /// The most a partner receives, as CODE=N (repeatable).
        #[arg(long = "cap", value_name = "CODE=N")]
        caps: Vec<String>,
        /// The partners and their weights (their cooperation index).
        #[arg(value_name = "CODE=WEIGHT", required = true)]
        weights: Vec<String>,
    },
}

#[derive(Subcommand)]
enum AgencyCommand {
    /// Add an agency.
    Add {
        /// Short code, e.g. IT-MI.
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// ISO 3166 alpha-3 country; omit for an international body.
        #[arg(long)]
        country: Option<String>,
        /// IANA time zone, e.g. Europe/Rome.
        #[arg(long, default_value = "UTC")]
        time_zone: String,
        /// Kinds of record an independent monitor may read, comma-separated.
        #[arg(long, value_delimiter = ',')]
        mandate: Vec<String>,
        /// Roles its users may hold, comma-separated (admin is always held; the operator
        /// holds every role), e.g. `officer,analyst` or `partner_authority`.
        #[arg(long, value_delimiter = ',')]
        roles: Vec<String>,
        /// This agency operates the platform: its admins administer every agency.
        #[arg(long)]
        operator: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user. The password is read from standard input, or generated and printed;
    /// the user must change it at first sign-in.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// Agency code, e.g. IT-PS.
        #[arg(long)]
        agency: String,
        /// Comma-separated: admin, analyst, officer, caseworker, partner_authority, monitor, employer.
        #[arg(long, value_delimiter = ',')]
        roles: Vec<String>,
        /// Read the initial password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user and end all their sessions and tokens.
    Disable { username: String },
    /// Enrol a second factor for a user (e.g. the first admin) and print its secret, to be
    /// handed over in person and typed into an authenticator app.
    EnrolTotp { username: String },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for a user; it is printed once.
    Create {
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "cli")]
        label: String,
        /// Lifetime in days.
        #[arg(long)]
        days: Option<i64>,
    },
    /// Revoke a token by its id.
    Revoke { id: uuid::Uuid },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain. Exit 0 when intact; 1 naming the first bad entry (or the
    /// first checkpoint that does not verify or that the log no longer reaches).
    Verify {
        /// Checkpoints a monitor kept: the JSON `GET /api/v1/audit/checkpoints` answered.
        /// Each signature is checked, and the log must still hold every checkpointed head.
        #[arg(long)]
        checkpoints: Option<PathBuf>,
        /// The public key (hex) the checkpoints must be signed with, as the monitor pinned
        /// it; without it, each checkpoint's own key is used and named.
        #[arg(long, requires = "checkpoints")]
        public_key: Option<String>,
    },
    /// Create a new key for signing the audit chain's checkpoints in FILE (which must not
    /// exist; keep it outside the data directory), and print its public key.
    Keygen { file: PathBuf },
    /// Sign and keep a checkpoint of the chain's head now (with --audit-key).
    Checkpoint,
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Apply every kind's retention rule now, and audit what was done.
    Run,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let outcome = runtime.block_on(async {
        let outcome = run(cli).await;
        // A command's writes leave their audit entries waiting to be chained; chain them before
        // the process ends, so that the log a command leaves is whole.
        let opened = std::mem::take(&mut *OPENED.lock().unwrap_or_else(|e| e.into_inner()));
        for store in opened {
            if let Err(e) = accordo_store::audit::seal(&store).await {
                tracing::warn!(error = %e, "cannot chain the audit entries this command wrote");
            }
        }
        outcome
    });
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ACCORDO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("ACCORDO_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// The services' part of every module.
fn cores() -> Vec<&'static accordo_service::ModuleCore> {
    accordo_server::Module::cores(MODULES)
}

/// The stores this process opened, chained again as it ends (see `main`).
static OPENED: std::sync::Mutex<Vec<Store>> = std::sync::Mutex::new(Vec::new());

async fn open(db: &DbArgs) -> Result<Store> {
    let store = match &db.database_url {
        Some(url) => Store::connect(url).await?,
        None => Store::open_sqlite(&db.data_dir).await?,
    };
    OPENED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(store.clone());
    Ok(store)
}

async fn platform(db: &DbArgs) -> Result<Platform> {
    let platform = Platform::new(open(db).await?, settings(db)?, &cores());
    platform.prepare().await?;
    Ok(platform)
}

async fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Serve {
            addr,
            demo,
            locales,
        } => serve(&cli.db, addr, demo, locales.as_deref()).await,
        Command::Migrate => {
            let store = open(&cli.db).await?;
            let platform = Platform::new(store, settings(&cli.db)?, &cores());
            let applied = platform.prepare().await?;
            if applied.is_empty() {
                println!("the database is up to date");
            }
            for name in applied {
                println!("applied {name}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Agency(AgencyCommand::Add {
            code,
            name,
            country,
            time_zone,
            mandate,
            roles,
            operator,
        }) => {
            let platform = platform(&cli.db).await?;
            let new = accounts::NewAgency {
                code,
                name,
                country,
                mandate,
                time_zone,
                roles,
                operator,
            };
            let row = accounts::create_agency(&platform, &demo::command_line_ctx(), new).await?;
            println!(
                "added agency {} ({}){}",
                row.code,
                row.name,
                if row.operator {
                    ", platform operator"
                } else {
                    ""
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::User(cmd) => user(&cli.db, cmd).await,
        Command::Token(cmd) => token(&cli.db, cmd).await,
        Command::Audit(AuditCommand::Verify {
            checkpoints,
            public_key,
        }) => verify(&cli.db, checkpoints.as_deref(), public_key.as_deref()).await,
        Command::Audit(AuditCommand::Keygen { file }) => keygen(&file),
        Command::Audit(AuditCommand::Checkpoint) => {
            let platform = platform(&cli.db).await?;
            if platform.settings.audit_key.is_none() {
                bail!("give the signing key with --audit-key FILE (see `accordo audit keygen`)");
            }
            match accordo_service::audit::write_checkpoint(&platform).await? {
                Some(c) => println!("checkpoint at entry {} signed by {}", c.seq, c.public_key),
                None => {
                    println!("nothing to sign: the log is empty or this head is signed already")
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Mrz(MrzCommand::Check { file }) => Ok(mrz::check(file.as_deref())),
        Command::Online(OnlineCommand::Pdq { files }) => Ok(online::pdq(&files)),
        Command::Online(OnlineCommand::Import { file, user, format }) => {
            let platform = platform(&cli.db).await?;
            online::import(&platform, &file, &user, format.as_deref()).await
        }
        Command::Quotas(QuotasCommand::Apportion {
            method,
            seats,
            floors,
            caps,
            weights,
        }) => Ok(quotas::apportion(&method, seats, &floors, &caps, &weights)),
        Command::Documents(DocumentsCommand::Import { file, agency }) => {
            import_documents(&cli.db, &file, &agency).await
        }
        Command::Flows(FlowsCommand::Import { file, source }) => {
            import_flows(&cli.db, &file, &source).await
        }
        Command::Flows(FlowsCommand::Forecast { out }) => {
            let platform = platform(&cli.db).await?;
            forecast::all(&platform, out.as_deref()).await
        }
        Command::Flows(FlowsCommand::ForecastFile {
            file,
            horizon,
            out,
            model,
        }) => Ok(forecast::file(&file, horizon, out.as_deref(), &model)),
        Command::Retention(RetentionCommand::Run) => {
            let platform = platform(&cli.db).await?;
            let bar = spinner("applying retention");
            let outcomes = retention::run(&platform, &demo::command_line_ctx(), |kind| {
                bar.set_message(kind.to_owned())
            })
            .await?;
            bar.finish_and_clear();
            for o in outcomes {
                println!(
                    "{:<16} {:>9}  {} after {} days",
                    o.kind,
                    o.affected,
                    o.action.as_str(),
                    o.keep_days
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { file } => export(&cli.db, &file).await,
        Command::Import { file } => import(&cli.db, &file).await,
        Command::Backup { file } => {
            let store = open(&cli.db).await?;
            store.backup_sqlite(&file).await?;
            println!("backed up to {}", file.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Reads `<dir>/<language>/accordo.ftl` for each language folder.
fn read_locales(dir: &Path) -> Result<Vec<(String, String)>> {
    let mut found = Vec::new();
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the folder {}", dir.display()))?;
    let mut folders: Vec<PathBuf> = entries
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    folders.sort();
    for path in folders.into_iter().filter(|p| p.is_dir()) {
        let code = path
            .file_name()
            .and_then(|n| n.to_str())
            .with_context(|| format!("{} is not a language code", path.display()))?
            .to_owned();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
            .with_context(|| format!("cannot read the folder {}", path.display()))?
            .map(|e| e.map(|e| e.path()))
            .collect::<std::io::Result<_>>()?;
        files.sort();
        for file in files
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "ftl"))
        {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {} as UTF-8 text", file.display()))?;
            found.push((code.clone(), text));
        }
    }
    if found.is_empty() {
        bail!(
            "{} holds no catalogue: expected <language>/*.ftl, such as ar/accordo.ftl",
            dir.display()
        );
    }
    Ok(found)
}

async fn serve(
    db: &DbArgs,
    addr: SocketAddr,
    demo_mode: bool,
    locales: Option<&Path>,
) -> Result<ExitCode> {
    if demo_mode && !addr.ip().is_loopback() {
        bail!(
            "--demo serves synthetic users with a published password, so it listens only on a loopback address (such as 127.0.0.1), not {addr}"
        );
    }
    let extra = locales.map(read_locales).transpose()?.unwrap_or_default();
    let web = accordo_server::web(MODULES, &extra)
        .context("cannot set up the pages (templates or translation catalogues)")?;
    let mut settings = Settings {
        languages: web
            .catalogues
            .codes()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        ..settings(db)?
    };
    if settings.audit_key.is_none() && demo_mode {
        // The demo signs its checkpoints with a key made for this run.
        let mut seed = [0u8; 32];
        getrandom_seed(&mut seed)?;
        settings.audit_key = Some(std::sync::Arc::new(ed25519_dalek::SigningKey::from_bytes(
            &seed,
        )));
    }
    match &settings.audit_key {
        Some(key) => tracing::info!(
            public_key = %hex::encode(key.verifying_key().as_bytes()),
            "signing audit checkpoints every 10 minutes and at shutdown"
        ),
        None => tracing::warn!(
            "no --audit-key: the audit chain's head is not anchored outside the database (see `accordo audit keygen`)"
        ),
    }
    let store = open(db).await.context("cannot start")?;
    let platform = Platform::new(store, settings, &cores());
    let state = accordo_server::AppState::with_web(platform.clone(), web, MODULES);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!(%addr, engine = platform.store.engine().as_str(), "listening; preparing the database");
    let server = tokio::spawn(accordo_server::serve(listener, state.clone()));
    platform
        .prepare()
        .await
        .context("cannot prepare the database")?;
    // Audit entries commit with their writes and are chained here, in order, after commit.
    tokio::spawn(accordo_store::audit::run_sealer(platform.store.clone()));
    if demo_mode {
        if demo::seed(&platform).await? {
            tracing::info!(
                "demo partnership seeded; sign in as ita.admin (or any demo user) with password accordo-demo"
            );
        }
    } else if demo::is_demo(&platform).await? {
        bail!(
            "this database holds the demo partnership, whose users have a published password; serve it with --demo on loopback, or use a fresh --data-dir"
        );
    }
    for module in MODULES {
        if let Some(background) = module.background {
            tokio::spawn(background(platform.clone()));
        }
    }
    if platform.settings.audit_key.is_some() {
        let signer = platform.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
            loop {
                every.tick().await;
                if let Err(e) = accordo_service::audit::write_checkpoint(&signer).await {
                    tracing::error!(error = %e, "cannot write an audit checkpoint");
                }
            }
        });
    }
    state.mark_ready();
    println!("accordo is ready at http://{addr}");
    server
        .await
        .context("server task failed")?
        .context("server failed")?;
    // The last entries chained, and the head anchored, as the server stops.
    accordo_store::audit::seal(&platform.store)
        .await
        .context("cannot chain the last audit entries at shutdown")?;
    accordo_service::audit::write_checkpoint(&platform)
        .await
        .context("cannot write the audit checkpoint at shutdown")?;
    Ok(ExitCode::SUCCESS)
}

async fn import_flows(db: &DbArgs, file: &Path, source: &str) -> Result<ExitCode> {
    let Some(source) = accordo_flows::vocab::Source::parse(source)
        .filter(|s| *s != accordo_flows::vocab::Source::Platform)
    else {
        eprintln!("error: --source {source}: expected ITA or FRONTEX");
        return Ok(ExitCode::from(2));
    };
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let platform = platform(db).await?;
    let bar = ProgressBar::new(0).with_style(bar_style());
    bar.set_message("figures written");
    let imported = accordo_flows_app::service::import(
        &platform,
        &demo::command_line_ctx(),
        source,
        &bytes,
        &|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
    )
    .await;
    bar.finish_and_clear();
    match imported {
        Ok(i) => {
            println!(
                "imported {} figures of {} ({}) from {}: {} new or changed{}{}",
                i.rows,
                i.source,
                i.kind.as_str(),
                file.display(),
                i.changed,
                if i.removed > 0 {
                    format!(
                        "; {} held from an earlier edition and no longer in this one removed",
                        i.removed
                    )
                } else {
                    String::new()
                },
                if i.restated > 0 {
                    format!(
                        "; {} yearly rows left to their months (they restate them)",
                        i.restated
                    )
                } else {
                    String::new()
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(accordo_service::ServiceError::Invalid { message, .. }) => {
            eprintln!(
                "error: {} was refused; nothing was imported. {message}",
                file.display()
            );
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}

async fn import_documents(db: &DbArgs, file: &Path, agency: &str) -> Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let platform = platform(db).await?;
    let bar = ProgressBar::new(0).with_style(bar_style());
    bar.set_message("reports written");
    let outcome = accordo_documents_app::service::import_csv(
        &platform,
        &demo::command_line_ctx(),
        agency,
        &bytes,
        |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
    )
    .await?;
    bar.finish_and_clear();
    match outcome {
        accordo_documents_app::service::Imported::Written(n) => {
            println!("imported {n} reports for {agency}");
            Ok(ExitCode::SUCCESS)
        }
        accordo_documents_app::service::Imported::Refused(errors, bad) => {
            eprintln!(
                "error: {} was refused; nothing was imported. {bad} bad row(s):",
                file.display()
            );
            for e in &errors {
                eprintln!("  {e}");
            }
            if bad > errors.len() {
                eprintln!("  … and {} more", bad - errors.len());
            }
            Ok(ExitCode::from(1))
        }
    }
}

async fn user(db: &DbArgs, cmd: UserCommand) -> Result<ExitCode> {
    let platform = platform(db).await?;
    let ctx = demo::command_line_ctx();
    match cmd {
        UserCommand::Add {
            username,
            display_name,
            agency,
            roles,
            password_stdin,
        } => {
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                (line.trim_end_matches(['\r', '\n']).to_owned(), false)
            } else {
                (generated_password(), true)
            };
            let new = accounts::NewAccount {
                username,
                display_name,
                agency,
                roles,
                password: password.clone(),
                must_change_password: true,
            };
            let user = accounts::create_user(&platform, &ctx, new).await?;
            println!(
                "created {} ({}) in {} with roles {}",
                user.username,
                user.id,
                user.agency,
                user.roles.join(",")
            );
            if generated {
                println!("temporary password (to be changed at first sign-in): {password}");
            }
        }
        UserCommand::Disable { username } => {
            let row = find_user(&platform, &username).await?;
            accounts::set_disabled(&platform, &ctx, row.id, true).await?;
            println!("disabled {username}; its sessions and tokens are revoked");
        }
        UserCommand::EnrolTotp { username } => {
            let row = find_user(&platform, &username).await?;
            let (secret, uri) = auth::enrol_totp_directly(&platform, &ctx, &row).await?;
            println!("second factor enrolled for {username}\nsecret: {secret}\nuri:    {uri}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn generated_password() -> String {
    // 18 random hex digits (72 bits) in three groups: past the policy minimum, easy to dictate.
    let token = uuid::Uuid::new_v4().simple().to_string();
    format!("{}-{}-{}", &token[..6], &token[6..12], &token[12..18])
}

/// The command line's operator holds the database, so it looks users up without a scope.
async fn find_user(
    platform: &Platform,
    username: &str,
) -> Result<accordo_store::accounts::UserRow> {
    let mut conn = platform.store.read().await?;
    accordo_store::accounts::find_user_by_username(&mut conn, username)
        .await?
        .with_context(|| format!("no user named `{username}`"))
}

async fn token(db: &DbArgs, cmd: TokenCommand) -> Result<ExitCode> {
    let platform = platform(db).await?;
    match cmd {
        TokenCommand::Create { user, label, days } => {
            let row = find_user(&platform, &user).await?;
            if row.disabled {
                bail!("{user} is disabled");
            }
            let actor = auth::actor_for(&platform, &row).await?;
            let ctx = accordo_service::Ctx {
                actor,
                request_id: Some("cli".into()),
            };
            let issued = auth::issue_token(&platform, &ctx, &label, days).await?;
            println!("{}", issued.secret);
            eprintln!(
                "token {} for {user}, expires {}",
                issued.id,
                jiff::Timestamp::from_microsecond(issued.expires_at_us)?
            );
        }
        TokenCommand::Revoke { id } => {
            auth::revoke(
                &platform,
                &demo::command_line_ctx(),
                accordo_store::auth::CredentialKind::Token,
                id,
            )
            .await?;
            println!("revoked {id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a new Ed25519 signing key (its 32-byte seed in hex) to `file`, readable by its
/// owner only.
fn keygen(file: &Path) -> Result<ExitCode> {
    let mut seed = [0u8; 32];
    getrandom_seed(&mut seed)?;
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut out = options
        .open(file)
        .with_context(|| format!("cannot create {} (it must not exist)", file.display()))?;
    writeln!(out, "{}", hex::encode(seed))?;
    println!(
        "wrote the audit signing key to {}; its public key, for the monitor to pin:\n{}",
        file.display(),
        hex::encode(key.verifying_key().as_bytes())
    );
    Ok(ExitCode::SUCCESS)
}

fn getrandom_seed(seed: &mut [u8; 32]) -> Result<()> {
    *seed = accordo_service::auth::random_key();
    Ok(())
}

/// Reads a signing key written by `audit keygen`; it must not lie in the data directory.
fn load_audit_key(file: &Path, data_dir: &Path) -> Result<ed25519_dalek::SigningKey> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the audit key {}", file.display()))?;
    let seed: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .with_context(|| {
            format!(
                "{} is not an audit key (64 hex digits, as `accordo audit keygen` writes)",
                file.display()
            )
        })?;
    if let (Ok(key), Ok(data)) = (file.canonicalize(), data_dir.canonicalize())
        && key.starts_with(&data)
    {
        bail!(
            "the audit key {} lies in the data directory {}: keep it apart, so that whoever holds the database does not hold the key",
            file.display(),
            data_dir.display()
        );
    }
    Ok(ed25519_dalek::SigningKey::from_bytes(&seed))
}

async fn verify(db: &DbArgs, checkpoints: Option<&Path>, pinned: Option<&str>) -> Result<ExitCode> {
    let kept: Vec<accordo_domain::audit::Checkpoint> = match checkpoints {
        None => Vec::new(),
        Some(file) => {
            #[derive(serde::Deserialize)]
            struct Kept {
                checkpoints: Vec<accordo_domain::audit::Checkpoint>,
            }
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let kept: Kept = serde_json::from_str(&text).with_context(|| {
                format!(
                    "{} is not what GET /api/v1/audit/checkpoints answers",
                    file.display()
                )
            })?;
            kept.checkpoints
        }
    };
    if checkpoints.is_some() && kept.is_empty() {
        bail!("the checkpoints file holds no checkpoint: it would prove nothing");
    }
    if pinned.is_none()
        && kept
            .iter()
            .any(|c| kept.first().is_some_and(|f| f.public_key != c.public_key))
    {
        println!(
            "audit checkpoints BROKEN: they are signed by more than one key; pin the right one with --public-key"
        );
        return Ok(ExitCode::from(1));
    }
    for c in &kept {
        if let Err(bad) = c.verify(pinned) {
            println!("audit checkpoints BROKEN: {bad}");
            return Ok(ExitCode::from(1));
        }
    }
    let store = open(db).await?;
    let platform = Platform::new(store, settings(db)?, &cores());
    let bar = ProgressBar::new(0).with_style(bar_style());
    let result = accordo_service::audit::verify_against(&platform, &kept, |done, total| {
        bar.set_length(u64::try_from(total).unwrap_or(0));
        bar.set_position(u64::try_from(done).unwrap_or(0));
    })
    .await?;
    if !kept.is_empty() && result.is_ok() {
        let keys: std::collections::BTreeSet<&str> =
            kept.iter().map(|c| c.public_key.as_str()).collect();
        println!(
            "{} checkpoints hold (signed by {})",
            kept.len(),
            keys.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    bar.finish_and_clear();
    match result {
        Ok(summary) => {
            println!(
                "audit log intact: {} entries verified ({} with details erased under retention, each named by an erasure entry)",
                summary.entries, summary.erased_details
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(broken) => {
            println!("audit log BROKEN at entry {}: {broken}", broken.seq());
            Ok(ExitCode::from(1))
        }
    }
}

async fn export(db: &DbArgs, file: &Path) -> Result<ExitCode> {
    let store = open(db).await?;
    let tables = Platform::new(store.clone(), settings(db)?, &cores()).tables();
    let total = accordo_store::transfer::count_rows(&store, &tables).await?;
    let bar = ProgressBar::new(total).with_style(bar_style());
    let out = std::fs::File::create_new(file)
        .with_context(|| format!("cannot create {} (it must not exist)", file.display()))?;
    let mut out = std::io::BufWriter::new(out);
    let n = accordo_store::transfer::export(&store, &tables, |line| {
        bar.inc(1);
        writeln!(out, "{line}")
    })
    .await?;
    out.flush()?;
    bar.finish_and_clear();
    println!("exported {n} rows to {}", file.display());
    Ok(ExitCode::SUCCESS)
}

async fn import(db: &DbArgs, file: &Path) -> Result<ExitCode> {
    let store = open(db).await?;
    let platform = Platform::new(store.clone(), settings(db)?, &cores());
    let tables = platform.tables();
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let lines: Vec<(usize, String)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.to_owned()))
        .collect();
    let bar = ProgressBar::new(lines.len().saturating_sub(1) as u64).with_style(bar_style());
    let n = accordo_store::transfer::import_and_migrate(
        &store,
        platform.now_us(),
        &platform.migrations(),
        &tables,
        lines,
        |done| bar.set_position(done),
    )
    .await?;
    bar.finish_and_clear();
    // An export from before erasures were recorded: name what its retention erased now, so
    // that `audit verify` right after the import does not take it for tampering.
    accordo_service::audit::record_erasures_of_earlier_versions(&platform).await?;
    println!(
        "imported {n} rows from {}; run `accordo audit verify` to check the log",
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

fn spinner(message: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_message(message.to_owned());
    bar
}
