//! Click-day load generator for accordo's legal pathways (bench/pathways/README.md).
//!
//! ```text
//! loadgen [--addr 127.0.0.1:8097] [--conns 64] [--threads 1] [--user ita.association]
//!         prefill N --ids FILE
//!         burst --ids FILE --log FILE [--kill-pid PID --kill-after K]
//!         check --ids FILE --log FILE
//! ```
//!
//! Every phase keeps C HTTP/1.1 keep-alive connections, each sending one request at a time.
//! `burst` sends each submission exactly once (key `k-<id>`, body `{}`) and appends one line
//! per acknowledgement to the log (`id position received_at latency_us`), written and flushed
//! by a thread of its own as acknowledgements arrive, before the burst counts them. When the
//! server goes away the burst stops and says how many were acknowledged. `check` re-submits
//! every id with its key and checks the answers against the log and for gap-free positions.
//! The last line of each phase on stdout is `RESULT <phase> key=value …`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufWriter, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

const PROGRESS_EVERY: Duration = Duration::from_secs(5);
/// Refusals (non-2xx answers) tolerated in `prefill` before it gives up.
const PREFILL_MAX_ERRORS: u64 = 1_000;

// ---------------------------------------------------------------------------------------------
// Arguments

struct Global {
    addr: SocketAddr,
    conns: usize,
    threads: usize,
    user: String,
    password: String,
}

enum Phase {
    Prefill {
        n: usize,
        ids: String,
    },
    Burst {
        ids: String,
        log: String,
        kill_pid: Option<u32>,
        kill_after: Option<u64>,
    },
    Check {
        ids: String,
        log: String,
    },
}

const USAGE: &str = "usage: loadgen [--addr HOST:PORT] [--conns C] [--threads T] [--user U] [--password P]
         prefill N --ids FILE
       | burst --ids FILE --log FILE [--kill-pid PID --kill-after K]
       | check --ids FILE --log FILE";

fn parse_args() -> Result<(Global, Phase), String> {
    let mut args = std::env::args().skip(1).collect::<Vec<_>>().into_iter().peekable();
    let mut g = Global {
        addr: "127.0.0.1:8097".parse().unwrap(),
        conns: 64,
        threads: 1,
        user: "ita.association".into(),
        password: "accordo-demo".into(),
    };
    let mut positional = Vec::new();
    let mut opts: HashMap<String, String> = HashMap::new();
    while let Some(a) = args.next() {
        if let Some(name) = a.strip_prefix("--") {
            let v = args.next().ok_or(format!("--{name} needs a value"))?;
            opts.insert(name.to_owned(), v);
        } else {
            positional.push(a);
        }
    }
    let mut take = |k: &str| opts.remove(k);
    if let Some(v) = take("addr") {
        g.addr = v.parse().map_err(|e| format!("--addr {v}: {e}"))?;
    }
    if let Some(v) = take("conns") {
        g.conns = v.parse().map_err(|e| format!("--conns {v}: {e}"))?;
    }
    if let Some(v) = take("threads") {
        g.threads = v.parse().map_err(|e| format!("--threads {v}: {e}"))?;
    }
    if let Some(v) = take("user") {
        g.user = v;
    }
    if let Some(v) = take("password") {
        g.password = v;
    }
    let need = |o: Option<String>, k: &str| o.ok_or(format!("--{k} is required"));
    let phase = match positional.first().map(String::as_str) {
        Some("prefill") => {
            let n = positional
                .get(1)
                .ok_or("prefill N")?
                .parse()
                .map_err(|e| format!("N: {e}"))?;
            Phase::Prefill {
                n,
                ids: need(take("ids"), "ids")?,
            }
        }
        Some("burst") => Phase::Burst {
            ids: need(take("ids"), "ids")?,
            log: need(take("log"), "log")?,
            kill_pid: take("kill-pid")
                .map(|v| v.parse().map_err(|e| format!("--kill-pid: {e}")))
                .transpose()?,
            kill_after: take("kill-after")
                .map(|v| v.parse().map_err(|e| format!("--kill-after: {e}")))
                .transpose()?,
        },
        Some("check") => Phase::Check {
            ids: need(take("ids"), "ids")?,
            log: need(take("log"), "log")?,
        },
        _ => return Err(USAGE.into()),
    };
    if let Some(k) = opts.keys().next() {
        return Err(format!("unknown option --{k}\n{USAGE}"));
    }
    if g.conns == 0 || g.threads == 0 {
        return Err("--conns and --threads must be at least 1".into());
    }
    Ok((g, phase))
}

// ---------------------------------------------------------------------------------------------
// One keep-alive connection

#[derive(Debug)]
enum Fail {
    /// Could not connect: the request was not sent (the server is gone).
    Connect(String),
    /// The connection broke after the request may have been sent: no answer.
    Transport(String),
}

struct Conn {
    addr: SocketAddr,
    host: String,
    token: Option<Arc<str>>,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Conn {
    fn new(addr: SocketAddr, token: Option<Arc<str>>) -> Self {
        Conn {
            addr,
            host: addr.to_string(),
            token,
            sender: None,
        }
    }

    async fn connect(&mut self) -> Result<(), Fail> {
        self.sender = None;
        let stream = TcpStream::connect(self.addr)
            .await
            .map_err(|e| Fail::Connect(e.to_string()))?;
        let _ = stream.set_nodelay(true);
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| Fail::Connect(e.to_string()))?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        self.sender = Some(sender);
        Ok(())
    }

    /// Makes sure a live connection is there (a new one if the last was closed): no request
    /// is sent until this succeeds.
    async fn ready(&mut self) -> Result<(), Fail> {
        if self.sender.as_ref().is_none_or(|s| s.is_closed()) {
            self.connect().await?;
        }
        let s = self.sender.as_mut().expect("connected");
        if s.ready().await.is_err() {
            self.connect().await?;
            let s = self.sender.as_mut().expect("connected");
            s.ready()
                .await
                .map_err(|e| Fail::Connect(format!("not ready: {e}")))?;
        }
        Ok(())
    }

    async fn send(
        &mut self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Bytes,
    ) -> Result<(u16, Bytes), Fail> {
        self.ready().await?;
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(hyper::header::HOST, self.host.as_str());
        if !body.is_empty() {
            req = req.header(hyper::header::CONTENT_TYPE, "application/json");
        }
        if let Some(t) = &self.token {
            req = req.header(hyper::header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        let req = req
            .body(Full::new(body))
            .map_err(|e| Fail::Connect(format!("bad request: {e}")))?;
        let s = self.sender.as_mut().expect("connected");
        let resp = match s.send_request(req).await {
            Ok(r) => r,
            Err(e) => {
                self.sender = None;
                return Err(Fail::Transport(e.to_string()));
            }
        };
        let status = resp.status().as_u16();
        match resp.into_body().collect().await {
            Ok(b) => Ok((status, b.to_bytes())),
            Err(e) => {
                self.sender = None;
                Err(Fail::Transport(e.to_string()))
            }
        }
    }
}

fn json(b: &[u8]) -> serde_json::Value {
    serde_json::from_slice(b).unwrap_or(serde_json::Value::Null)
}

fn short(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    s.chars().take(300).collect()
}

async fn sign_in(g: &Global) -> Result<Arc<str>, String> {
    let mut c = Conn::new(g.addr, None);
    let body = serde_json::json!({"username": g.user, "password": g.password}).to_string();
    let (st, b) = c
        .send(Method::POST, "/api/v1/auth/token", None, Bytes::from(body))
        .await
        .map_err(|e| format!("sign-in: {e:?}"))?;
    if !(200..300).contains(&st) {
        return Err(format!("sign-in: {st} {}", short(&b)));
    }
    json(&b)["token"]
        .as_str()
        .map(Arc::from)
        .ok_or_else(|| format!("sign-in: no token in {}", short(&b)))
}

/// Opens C connections before the clock starts.
async fn open_conns(g: &Global, token: &Arc<str>) -> Result<Vec<Conn>, String> {
    let mut v = Vec::with_capacity(g.conns);
    for _ in 0..g.conns {
        let mut c = Conn::new(g.addr, Some(token.clone()));
        c.connect().await.map_err(|e| format!("connect: {e:?}"))?;
        v.push(c);
    }
    Ok(v)
}

// ---------------------------------------------------------------------------------------------
// Files

/// A thread that appends lines to a file, flushing whenever it has nothing more queued.
fn line_writer(path: &str, append: bool) -> Result<(mpsc::Sender<String>, std::thread::JoinHandle<()>), String> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(path)
        .map_err(|e| format!("{path}: {e}"))?;
    let (tx, rx) = mpsc::channel::<String>();
    let handle = std::thread::spawn(move || {
        let mut w = BufWriter::with_capacity(1 << 16, file);
        while let Ok(line) = rx.recv() {
            w.write_all(line.as_bytes()).expect("write");
            while let Ok(line) = rx.try_recv() {
                w.write_all(line.as_bytes()).expect("write");
            }
            w.flush().expect("flush");
        }
        w.flush().expect("flush");
    });
    Ok((tx, handle))
}

fn read_ids(path: &str) -> Result<Vec<String>, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut ids = Vec::new();
    for line in std::io::BufReader::new(f).lines() {
        let line = line.map_err(|e| format!("{path}: {e}"))?;
        let t = line.trim();
        if !t.is_empty() {
            ids.push(t.to_owned());
        }
    }
    Ok(ids)
}

struct Logged {
    position: i64,
    received_at: String,
}

/// The burst's log: every acknowledged submission, by id; and the ids logged twice.
fn read_log(path: &str) -> Result<(HashMap<String, Logged>, Vec<String>), String> {
    let mut map = HashMap::new();
    let mut twice = Vec::new();
    let f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((map, twice)),
        Err(e) => return Err(format!("{path}: {e}")),
    };
    for (n, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|e| format!("{path}: {e}"))?;
        let mut it = line.split_whitespace();
        let (Some(id), Some(pos), Some(at)) = (it.next(), it.next(), it.next()) else {
            if line.trim().is_empty() {
                continue;
            }
            return Err(format!("{path}:{}: malformed line {line:?}", n + 1));
        };
        let position = pos
            .parse()
            .map_err(|e| format!("{path}:{}: position {pos:?}: {e}", n + 1))?;
        if map
            .insert(
                id.to_owned(),
                Logged {
                    position,
                    received_at: at.to_owned(),
                },
            )
            .is_some()
        {
            twice.push(id.to_owned());
        }
    }
    Ok((map, twice))
}

// ---------------------------------------------------------------------------------------------
// Statistics

fn pct(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

/// Non-2xx answers, by status and first body seen.
#[derive(Default)]
struct Refusals {
    by_status: Mutex<BTreeMap<u16, (u64, String)>>,
    total: AtomicU64,
}

impl Refusals {
    fn record(&self, status: u16, body: &[u8]) {
        self.total.fetch_add(1, Ordering::Relaxed);
        let mut m = self.by_status.lock().unwrap();
        let e = m.entry(status).or_insert_with(|| (0, short(body)));
        e.0 += 1;
    }
    fn report(&self, what: &str) {
        for (st, (n, body)) in self.by_status.lock().unwrap().iter() {
            eprintln!("{what}: {n} answered {st}, e.g. {body}");
        }
    }
}

/// Prints progress on stderr every few seconds until `done`; returns the rates of the full
/// intervals (per second).
fn progress(
    what: &'static str,
    count: Arc<AtomicU64>,
    total: usize,
    errors: Arc<AtomicU64>,
    done: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<Vec<f64>> {
    tokio::spawn(async move {
        let start = Instant::now();
        let mut last = 0;
        let mut rates = Vec::new();
        let mut tick = tokio::time::interval(PROGRESS_EVERY);
        tick.tick().await;
        loop {
            tick.tick().await;
            if done.load(Ordering::Relaxed) {
                break;
            }
            let now = count.load(Ordering::Relaxed);
            let rate = (now - last) as f64 / PROGRESS_EVERY.as_secs_f64();
            rates.push(rate);
            last = now;
            eprintln!(
                "[{what} {:>6.1}s] {now}/{total} ({:.1}%), {rate:.0}/s in the last {}s, {} errors",
                start.elapsed().as_secs_f64(),
                100.0 * now as f64 / total.max(1) as f64,
                PROGRESS_EVERY.as_secs(),
                errors.load(Ordering::Relaxed)
            );
        }
        rates
    })
}

// ---------------------------------------------------------------------------------------------
// prefill

async fn prefill(g: Global, n: usize, ids_path: String) -> Result<bool, String> {
    let token = sign_in(&g).await?;
    let mut c = Conn::new(g.addr, Some(token.clone()));
    let (st, doc) = c
        .send(Method::GET, "/api/v1/openapi.json", None, Bytes::new())
        .await
        .map_err(|e| format!("openapi: {e:?}"))?;
    if st != 200 {
        return Err(format!("openapi.json: {st}"));
    }
    let example = &json(&doc)["paths"]["/api/v1/pathways/applications"]["post"]["requestBody"]
        ["content"]["application/json"]["example"];
    if !example.is_object() {
        return Err("no example for POST /api/v1/pathways/applications in openapi.json".into());
    }
    let body = Bytes::from(example.to_string());
    eprintln!("prefill: {n} applications with {} connections, body {example}", g.conns);

    let (out, writer) = line_writer(&ids_path, false)?;
    let conns = open_conns(&g, &token).await?;
    let remaining = Arc::new(AtomicI64::new(n as i64));
    let created = Arc::new(AtomicU64::new(0));
    let refusals = Arc::new(Refusals::default());
    let transport = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let gone = Arc::new(Mutex::new(None::<String>));
    let done = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicU64::new(0));
    let prog = progress("prefill", created.clone(), n, errors.clone(), done.clone());
    let start = Instant::now();
    let mut tasks = Vec::new();
    for mut conn in conns {
        let (remaining, created, refusals, transport, stop, gone, out, body, errors) = (
            remaining.clone(),
            created.clone(),
            refusals.clone(),
            transport.clone(),
            stop.clone(),
            gone.clone(),
            out.clone(),
            body.clone(),
            errors.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if remaining.fetch_sub(1, Ordering::SeqCst) <= 0 {
                    break;
                }
                match conn
                    .send(Method::POST, "/api/v1/pathways/applications", None, body.clone())
                    .await
                {
                    Ok((201, b)) => match json(&b)["id"].as_str() {
                        Some(id) => {
                            out.send(format!("{id}\n")).expect("writer");
                            created.fetch_add(1, Ordering::Relaxed);
                        }
                        None => {
                            remaining.fetch_add(1, Ordering::SeqCst);
                            refusals.record(201, &b);
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    },
                    Ok((st, b)) => {
                        remaining.fetch_add(1, Ordering::SeqCst);
                        refusals.record(st, &b);
                        if errors.fetch_add(1, Ordering::Relaxed) + 1 >= PREFILL_MAX_ERRORS {
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    Err(Fail::Transport(e)) => {
                        // Perhaps created, not told: another one is made instead.
                        remaining.fetch_add(1, Ordering::SeqCst);
                        transport.fetch_add(1, Ordering::Relaxed);
                        errors.fetch_add(1, Ordering::Relaxed);
                        eprintln!("prefill: connection broke: {e}");
                    }
                    Err(Fail::Connect(e)) => {
                        remaining.fetch_add(1, Ordering::SeqCst);
                        *gone.lock().unwrap() = Some(e);
                        stop.store(true, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.map_err(|e| e.to_string())?;
    }
    let wall = start.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    drop(out);
    writer.join().map_err(|_| "ids writer panicked".to_string())?;
    prog.abort();
    let made = created.load(Ordering::Relaxed);
    refusals.report("prefill");
    if let Some(e) = gone.lock().unwrap().as_ref() {
        eprintln!("prefill: the server went away: {e}");
    }
    println!(
        "RESULT prefill created={made} wanted={n} wall_s={wall:.1} rate={:.0} refused={} broken={}",
        made as f64 / wall,
        refusals.total.load(Ordering::Relaxed),
        transport.load(Ordering::Relaxed)
    );
    Ok(made as usize == n)
}

// ---------------------------------------------------------------------------------------------
// burst

async fn burst(
    g: Global,
    ids_path: String,
    log_path: String,
    kill_pid: Option<u32>,
    kill_after: Option<u64>,
) -> Result<bool, String> {
    let ids = Arc::new(read_ids(&ids_path)?);
    let token = sign_in(&g).await?;
    let (log, writer) = line_writer(&log_path, true)?;
    let conns = open_conns(&g, &token).await?;
    eprintln!(
        "burst: {} submissions with {} connections{}",
        ids.len(),
        g.conns,
        match (kill_pid, kill_after) {
            (Some(p), Some(k)) => format!(", kill -9 {p} after {k} acknowledgements"),
            _ => String::new(),
        }
    );
    let next = Arc::new(AtomicUsize::new(0));
    let acked = Arc::new(AtomicU64::new(0));
    let sent = Arc::new(AtomicU64::new(0));
    let refusals = Arc::new(Refusals::default());
    let broken = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let gone = Arc::new(Mutex::new(None::<String>));
    let killed_at = Arc::new(Mutex::new(None::<(Instant, u64)>));
    let last_ack = Arc::new(Mutex::new(None::<Instant>));
    let done = Arc::new(AtomicBool::new(false));
    let prog = progress("burst", acked.clone(), ids.len(), errors.clone(), done.clone());
    let start = Instant::now();
    let mut tasks = Vec::new();
    for mut conn in conns {
        let (ids, next, acked, sent, refusals, broken, errors, stop, gone, killed_at, last_ack, log) = (
            ids.clone(),
            next.clone(),
            acked.clone(),
            sent.clone(),
            refusals.clone(),
            broken.clone(),
            errors.clone(),
            stop.clone(),
            gone.clone(),
            killed_at.clone(),
            last_ack.clone(),
            log.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut lat: Vec<u32> = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(id) = ids.get(i) else { break };
                let path = format!("/api/v1/pathways/applications/{id}/submit");
                let key = format!("k-{id}");
                // The connection is made ready first: a request is counted as sent only
                // once a connection takes it.
                if let Err(Fail::Connect(e) | Fail::Transport(e)) = conn.ready().await {
                    *gone.lock().unwrap() = Some(e);
                    stop.store(true, Ordering::Relaxed);
                    break;
                }
                let t0 = Instant::now();
                sent.fetch_add(1, Ordering::Relaxed);
                match conn
                    .send(Method::POST, &path, Some(&key), Bytes::from_static(b"{}"))
                    .await
                {
                    Ok((200, b)) => {
                        let us = t0.elapsed().as_micros().min(u32::MAX as u128) as u32;
                        let v = json(&b);
                        let (Some(pos), Some(at)) =
                            (v["position"].as_i64(), v["received_at"].as_str())
                        else {
                            refusals.record(200, &b);
                            errors.fetch_add(1, Ordering::Relaxed);
                            continue;
                        };
                        log.send(format!("{id} {pos} {at} {us}\n")).expect("log writer");
                        lat.push(us);
                        let n = acked.fetch_add(1, Ordering::Relaxed) + 1;
                        *last_ack.lock().unwrap() = Some(Instant::now());
                        if let (Some(pid), Some(k)) = (kill_pid, kill_after) {
                            if n >= k {
                                let mut ka = killed_at.lock().unwrap();
                                if ka.is_none() {
                                    let _ = std::process::Command::new("kill")
                                        .args(["-9", &pid.to_string()])
                                        .status();
                                    *ka = Some((Instant::now(), n));
                                }
                            }
                        }
                    }
                    Ok((st, b)) => {
                        refusals.record(st, &b);
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                    // Sent, no answer: not acknowledged, and not sent again.
                    Err(Fail::Transport(_)) | Err(Fail::Connect(_)) => {
                        broken.fetch_add(1, Ordering::Relaxed);
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            lat
        }));
    }
    let mut lat = Vec::with_capacity(ids.len());
    for t in tasks {
        lat.extend(t.await.map_err(|e| e.to_string())?);
    }
    done.store(true, Ordering::Relaxed);
    let end = last_ack.lock().unwrap().unwrap_or_else(Instant::now);
    let wall = end.duration_since(start).as_secs_f64();
    drop(log);
    writer.join().map_err(|_| "log writer panicked".to_string())?;
    let rates = prog.await.unwrap_or_default();
    lat.sort_unstable();
    let n = lat.len();
    refusals.report("burst");
    let gone = gone.lock().unwrap().clone();
    if let Some(e) = &gone {
        eprintln!("burst: the server went away ({e}); stopped cleanly");
    }
    let killed = *killed_at.lock().unwrap();
    if let Some((t, k)) = killed {
        eprintln!(
            "burst: kill -9 sent at {:.2}s after {k} acknowledgements",
            t.duration_since(start).as_secs_f64()
        );
    }
    let full: Vec<f64> = rates.iter().copied().filter(|r| *r > 0.0).collect();
    let min_rate = full.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "RESULT burst ids={} sent={} acked={n} refused={} unanswered={} wall_s={wall:.2} rate={:.0} min5s_rate={} p50_ms={:.1} p90_ms={:.1} p99_ms={:.1} max_ms={:.1} server_gone={} killed_after={}",
        ids.len(),
        sent.load(Ordering::Relaxed),
        refusals.total.load(Ordering::Relaxed),
        broken.load(Ordering::Relaxed),
        n as f64 / wall.max(1e-9),
        if min_rate.is_finite() { format!("{min_rate:.0}") } else { "-".into() },
        pct(&lat, 50.0),
        pct(&lat, 90.0),
        pct(&lat, 99.0),
        pct(&lat, 100.0),
        gone.is_some(),
        killed.map_or("-".into(), |(_, k)| k.to_string()),
    );
    Ok(refusals.total.load(Ordering::Relaxed) == 0 && (gone.is_none() || killed.is_some()))
}

// ---------------------------------------------------------------------------------------------
// check

/// The window of an application (category, year), from the application itself.
async fn window_of(g: &Global, token: &Arc<str>, id: &str) -> Result<(String, i64), String> {
    let mut c = Conn::new(g.addr, Some(token.clone()));
    let (st, b) = c
        .send(Method::GET, &format!("/api/v1/pathways/applications/{id}"), None, Bytes::new())
        .await
        .map_err(|e| format!("application {id}: {e:?}"))?;
    let v = json(&b);
    match (st, v["category"].as_str(), v["year"].as_i64()) {
        (200, Some(c), Some(y)) => Ok((c.to_owned(), y)),
        _ => Err(format!("application {id}: {st} {}", short(&b))),
    }
}

/// What the public click-day page says that window has received.
async fn received(g: &Global, window: &(String, i64)) -> Result<i64, String> {
    let mut c = Conn::new(g.addr, None);
    let (st, b) = c
        .send(Method::GET, "/api/v1/pathways/click-day", None, Bytes::new())
        .await
        .map_err(|e| format!("click-day: {e:?}"))?;
    if st != 200 {
        return Err(format!("click-day: {st} {}", short(&b)));
    }
    json(&b)["windows"]
        .as_array()
        .and_then(|ws| {
            ws.iter().find(|w| {
                w["category"].as_str() == Some(window.0.as_str()) && w["year"].as_i64() == Some(window.1)
            })
        })
        .and_then(|w| w["received"].as_i64())
        .ok_or_else(|| format!("click-day: no window {} {}", window.0, window.1))
}

async fn check(g: Global, ids_path: String, log_path: String) -> Result<bool, String> {
    let ids = Arc::new(read_ids(&ids_path)?);
    let (log, twice) = read_log(&log_path)?;
    let token = sign_in(&g).await?;
    let window = window_of(&g, &token, ids.first().ok_or("no ids")?).await?;
    let before = received(&g, &window).await?;
    let conns = open_conns(&g, &token).await?;
    eprintln!(
        "check: {} ids, {} acknowledged in the log, {before} received by the window {} {} before the check",
        ids.len(),
        log.len(),
        window.0,
        window.1
    );
    let next = Arc::new(AtomicUsize::new(0));
    let answered = Arc::new(AtomicU64::new(0));
    let refusals = Arc::new(Refusals::default());
    let errors = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let failure = Arc::new(Mutex::new(None::<String>));
    let done = Arc::new(AtomicBool::new(false));
    let prog = progress("check", answered.clone(), ids.len(), errors.clone(), done.clone());
    let start = Instant::now();
    let mut tasks = Vec::new();
    for mut conn in conns {
        let (ids, next, answered, refusals, errors, stop, failure) = (
            ids.clone(),
            next.clone(),
            answered.clone(),
            refusals.clone(),
            errors.clone(),
            stop.clone(),
            failure.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut got: Vec<(usize, i64, String)> = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(id) = ids.get(i) else { break };
                let path = format!("/api/v1/pathways/applications/{id}/submit");
                let key = format!("k-{id}");
                match conn
                    .send(Method::POST, &path, Some(&key), Bytes::from_static(b"{}"))
                    .await
                {
                    Ok((200, b)) => {
                        let v = json(&b);
                        match (v["position"].as_i64(), v["received_at"].as_str()) {
                            (Some(p), Some(at)) => {
                                got.push((i, p, at.to_owned()));
                                answered.fetch_add(1, Ordering::Relaxed);
                            }
                            _ => {
                                refusals.record(200, &b);
                                errors.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                    Ok((st, b)) => {
                        refusals.record(st, &b);
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => {
                        *failure.lock().unwrap() = Some(format!("{e:?}"));
                        stop.store(true, Ordering::Relaxed);
                    }
                }
            }
            got
        }));
    }
    let mut answers: Vec<Option<(i64, String)>> = vec![None; ids.len()];
    for t in tasks {
        for (i, p, at) in t.await.map_err(|e| e.to_string())? {
            answers[i] = Some((p, at));
        }
    }
    let wall = start.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    prog.abort();
    refusals.report("check");
    if let Some(e) = failure.lock().unwrap().as_ref() {
        return Err(format!("check: the server went away: {e}"));
    }
    let after = received(&g, &window).await?;

    let mut problems: Vec<String> = Vec::new();
    let mut say = |s: String| {
        if problems.len() < 20 {
            eprintln!("check: {s}");
        }
        problems.push(s);
    };
    for id in &twice {
        say(format!("{id} is logged twice (acknowledged twice?)"));
    }
    // Acknowledged positions are each once in the log.
    let mut logged_pos: HashMap<i64, &str> = HashMap::new();
    for (id, l) in &log {
        if let Some(other) = logged_pos.insert(l.position, id) {
            say(format!("position {} acknowledged to {other} and {id}", l.position));
        }
    }
    let known: HashSet<&str> = ids.iter().map(String::as_str).collect();
    for id in log.keys() {
        if !known.contains(id.as_str()) {
            say(format!("{id} is in the log but not in the ids file"));
        }
    }
    let mut same = 0u64;
    let mut unanswered = 0u64;
    let mut in_flight_written = 0u64;
    let mut positions = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let Some((p, at)) = &answers[i] else {
            unanswered += 1;
            say(format!("{id}: no position in the check"));
            continue;
        };
        positions.push(*p);
        match log.get(id) {
            Some(l) if l.position == *p && l.received_at == *at => same += 1,
            Some(l) => say(format!(
                "{id}: acknowledged position {} at {}, now {p} at {at}",
                l.position, l.received_at
            )),
            None if *p <= before => in_flight_written += 1,
            None => {}
        }
    }
    positions.sort_unstable();
    let mut dupes = 0u64;
    let mut missing = 0u64;
    {
        let mut expect = 1i64;
        let mut prev = None;
        for &p in &positions {
            if prev == Some(p) {
                dupes += 1;
                continue;
            }
            if p > expect {
                missing += (p - expect) as u64;
            }
            expect = p + 1;
            prev = Some(p);
        }
        let n = ids.len() as i64;
        let max = positions.last().copied().unwrap_or(0);
        if max != n - unanswered as i64 && unanswered == 0 {
            say(format!("largest position {max}, {n} submissions"));
        }
    }
    if dupes > 0 {
        say(format!("{dupes} positions given twice"));
    }
    if missing > 0 {
        say(format!("{missing} positions missing (gaps)"));
    }
    if positions.first().is_some_and(|&p| p != 1) {
        say(format!("the first position is {}", positions[0]));
    }
    if after != ids.len() as i64 {
        say(format!(
            "the click day says {after} received, {} submitted",
            ids.len()
        ));
    }
    let ok = problems.is_empty() && refusals.total.load(Ordering::Relaxed) == 0;
    println!(
        "RESULT check ids={} logged={} same={same} mismatched={} unanswered={unanswered} refused={} received_before={before} written_unacked={in_flight_written} renumbered_after_restart={} duplicates={dupes} gaps={missing} received_after={after} wall_s={wall:.1} ok={}",
        ids.len(),
        log.len(),
        log.len() as u64 - same,
        refusals.total.load(Ordering::Relaxed),
        (ids.len() as i64 - before).max(0),
        if ok { "yes" } else { "NO" }
    );
    Ok(ok)
}

// ---------------------------------------------------------------------------------------------

fn main() -> ExitCode {
    let (g, phase) = match parse_args() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let rt = if g.threads == 1 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(g.threads)
            .enable_all()
            .build()
    }
    .expect("runtime");
    let result = rt.block_on(async move {
        match phase {
            Phase::Prefill { n, ids } => prefill(g, n, ids).await,
            Phase::Burst {
                ids,
                log,
                kill_pid,
                kill_after,
            } => burst(g, ids, log, kill_pid, kill_after).await,
            Phase::Check { ids, log } => check(g, ids, log).await,
        }
    });
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("loadgen: {e}");
            ExitCode::from(2)
        }
    }
}
