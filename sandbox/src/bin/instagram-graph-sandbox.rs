//! `instagram-graph-sandbox`: run the Graph API simulator as a process.
//!
//! Prints one JSON line (`{"url","access_token","facebook_access_token","page_access_token",
//! "app_id","app_secret","ig_user_id","page_id",...,"app_access_token","seed"}`) on stdout, then serves until
//! SIGINT/SIGTERM, or until stdin closes with `--exit-on-stdin-eof`.
#![forbid(unsafe_code)]

use instagram_graph_sandbox::{FaultKind, Sandbox, SandboxOptions};
use std::io::{Read as _, Write as _};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "\
instagram-graph-sandbox: an offline Instagram Graph API simulator

Usage: instagram-graph-sandbox [options]

Options:
  --port N                   port to listen on (default 0: any free port)
  --host H                   interface to bind (default 127.0.0.1)
  --seed N                   seed of the demo data (default 42)
  --latency-ms N             delay added to every Graph request (default 0)
  --media-count N            feed media of the demo account (default 180)
  --bulk-comments N          more top-level comments on the newest media (default 0; load tests)
  --require-appsecret-proof  reject calls without appsecret_proof
  --usage-start-percent N    usage headers start at N % (default 0)
  --fault-rate P             probability 0..1 that a Graph request fails (a mix of every kind)
  --fault-seed N             seed of the fault sequence (default 0)
  --faults K=P,K=P           explicit probability per fault kind (e.g. http_500=0.1,slow=0.05)
  --slow-ms N                delay of the `slow` fault (default 3000)
  --regain-minutes N         estimated_time_to_regain_access of throttles (default 0)
  --long-regain-minutes N    the same for `throttle_long` (default 60)
  --webhook-retries N        retries of a failed webhook delivery (default 3)
  --webhook-backoff-ms N     wait before the first retry, doubled each time (default 100)
  --webhook-timeout-ms N     time limit of one delivery or handshake (default 20000)
  --no-webhook-sha1          do not send the legacy X-Hub-Signature (sha1) header
  --exit-on-stdin-eof        stop when standard input closes
  --help                     show this help

Fault kinds: http_500 code_1 code_2 throttle_4 throttle_17 throttle_32 throttle_341
throttle_613 throttle_80001 throttle_80002 throttle_80006 throttle_long connection_reset slow
truncated_json unsupported_100_33 expired_token.

Prints one JSON line with url, access_token (Instagram Login), facebook_access_token,
page_access_token, app_id, app_secret, ig_user_id, page_id and seed, then serves until
SIGINT or SIGTERM.";

struct Args {
    opts: SandboxOptions,
    exit_on_eof: bool,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut opts = SandboxOptions::default();
    let mut exit_on_eof = false;
    while let Some(flag) = it.next() {
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (flag.clone(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs {what}"))
        };
        fn num<T: std::str::FromStr>(name: &str, v: String) -> Result<T, String> {
            v.parse()
                .map_err(|_| format!("{name}: '{v}' is not a valid number"))
        }
        fn prob(name: &str, v: String) -> Result<f64, String> {
            let p: f64 = num(name, v)?;
            if p.is_finite() && (0.0..=1.0).contains(&p) {
                Ok(p)
            } else {
                Err(format!("{name}: must be between 0 and 1"))
            }
        }
        match name.as_str() {
            "--help" | "-h" => return Ok(None),
            "--port" => opts.port = num(&name, value("a port")?)?,
            "--host" => opts.host = value("a host")?,
            "--seed" => opts.seed = num(&name, value("a number")?)?,
            "--latency-ms" => {
                opts.latency = Duration::from_millis(num(&name, value("milliseconds")?)?)
            }
            "--media-count" => opts.media_count = num(&name, value("a number")?)?,
            "--bulk-comments" => opts.bulk_comments = num(&name, value("a number")?)?,
            "--require-appsecret-proof" => opts.require_appsecret_proof = true,
            "--usage-start-percent" => {
                let p: u8 = num(&name, value("a percentage")?)?;
                if p > 100 {
                    return Err(format!("{name}: must be at most 100"));
                }
                opts.usage_start_percent = p;
            }
            "--fault-rate" => opts.faults.rate = prob(&name, value("a probability")?)?,
            "--fault-seed" => opts.faults.seed = num(&name, value("a number")?)?,
            "--faults" => {
                opts.faults.kinds.clear();
                for part in value("kind=probability pairs")?
                    .split(',')
                    .filter(|p| !p.is_empty())
                {
                    let (k, p) = part
                        .split_once('=')
                        .ok_or_else(|| format!("{name}: '{part}' is not kind=probability"))?;
                    let kind = FaultKind::from_name(k.trim())
                        .ok_or_else(|| format!("{name}: unknown fault kind '{k}'"))?;
                    opts.faults
                        .kinds
                        .insert(kind, prob(&name, p.trim().to_owned())?);
                }
            }
            "--slow-ms" => opts.faults.slow_ms = num(&name, value("milliseconds")?)?,
            "--regain-minutes" => opts.faults.regain_minutes = num(&name, value("minutes")?)?,
            "--long-regain-minutes" => {
                opts.faults.long_regain_minutes = num(&name, value("minutes")?)?
            }
            "--webhook-retries" => {
                let n: u32 = num(&name, value("a number")?)?;
                if n > instagram_graph_sandbox::webhooks_limits::MAX_RETRIES {
                    return Err(format!(
                        "{name}: must be at most {}",
                        instagram_graph_sandbox::webhooks_limits::MAX_RETRIES
                    ));
                }
                opts.webhooks.retries = n;
            }
            "--webhook-backoff-ms" => {
                let n: u64 = num(&name, value("milliseconds")?)?;
                if n > instagram_graph_sandbox::webhooks_limits::MAX_BACKOFF_MS {
                    return Err(format!(
                        "{name}: must be at most {}",
                        instagram_graph_sandbox::webhooks_limits::MAX_BACKOFF_MS
                    ));
                }
                opts.webhooks.backoff_ms = n;
            }
            "--webhook-timeout-ms" => {
                let n: u64 = num(&name, value("milliseconds")?)?;
                if n == 0 || n > instagram_graph_sandbox::webhooks_limits::MAX_TIMEOUT_MS {
                    return Err(format!(
                        "{name}: must be between 1 and {}",
                        instagram_graph_sandbox::webhooks_limits::MAX_TIMEOUT_MS
                    ));
                }
                opts.webhooks.timeout_ms = n;
            }
            "--no-webhook-sha1" => opts.webhooks.sha1 = false,
            "--exit-on-stdin-eof" => exit_on_eof = true,
            other => return Err(format!("unknown option {other} (see --help)")),
        }
    }
    Ok(Some(Args { opts, exit_on_eof }))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("instagram-graph-sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    let mut sb = match Sandbox::start(args.opts) {
        Ok(sb) => sb,
        Err(e) => {
            eprintln!("instagram-graph-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{}", sb.info_json())
        .and_then(|_| out.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(out);
    wait_for_exit(args.exit_on_eof);
    sb.stop();
    ExitCode::SUCCESS
}

/// Block until SIGINT/SIGTERM, or stdin EOF when asked.
fn wait_for_exit(exit_on_eof: bool) {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("instagram-graph-sandbox: cannot wait for signals: {e}");
            return;
        }
    };
    let (eof_tx, eof_rx) = tokio::sync::oneshot::channel::<()>();
    if exit_on_eof {
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            let mut stdin = std::io::stdin().lock();
            while matches!(stdin.read(&mut buf), Ok(n) if n > 0) {}
            let _ = eof_tx.send(());
        });
    }
    rt.block_on(async move {
        let eof = async move {
            if exit_on_eof {
                let _ = eof_rx.await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate() => {}
            _ = eof => {}
        }
    });
}

#[cfg(unix)]
async fn terminate() {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut s) => {
            s.recv().await;
        }
        Err(_) => std::future::pending().await,
    }
}

#[cfg(not(unix))]
async fn terminate() {
    std::future::pending::<()>().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(a: &[&str]) -> Result<Option<Args>, String> {
        parse_args(a.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags() {
        let a = parse(&[
            "--port",
            "8080",
            "--seed=7",
            "--latency-ms",
            "20",
            "--media-count",
            "200",
            "--bulk-comments=100000",
            "--require-appsecret-proof",
            "--exit-on-stdin-eof",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(a.opts.port, 8080);
        assert_eq!(a.opts.seed, 7);
        assert_eq!(a.opts.latency, Duration::from_millis(20));
        assert_eq!(a.opts.media_count, 200);
        assert_eq!(a.opts.bulk_comments, 100_000);
        assert!(a.opts.require_appsecret_proof && a.exit_on_eof);
        let a = parse(&[
            "--fault-rate",
            "0.2",
            "--fault-seed",
            "7",
            "--faults=http_500=0.1,slow=0.05",
            "--slow-ms",
            "50",
            "--usage-start-percent",
            "90",
        ])
        .unwrap()
        .unwrap();
        assert_eq!((a.opts.faults.rate, a.opts.faults.seed), (0.2, 7));
        assert_eq!(a.opts.faults.kinds.get(&FaultKind::Slow), Some(&0.05));
        assert_eq!(a.opts.faults.slow_ms, 50);
        assert_eq!(a.opts.usage_start_percent, 90);
        assert!(parse(&["--fault-rate", "2"]).is_err());
        assert!(parse(&["--faults", "bogus=0.1"]).is_err());
        assert!(parse(&["--usage-start-percent", "101"]).is_err());
        assert!(parse(&["--help"]).unwrap().is_none());
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "x"]).is_err());
        assert!(parse(&["--colour"]).is_err());
        let a = parse(&[
            "--webhook-retries",
            "5",
            "--webhook-backoff-ms=10",
            "--webhook-timeout-ms",
            "900",
            "--no-webhook-sha1",
        ])
        .unwrap()
        .unwrap();
        let w = &a.opts.webhooks;
        assert_eq!(
            (w.retries, w.backoff_ms, w.timeout_ms, w.sha1),
            (5, 10, 900, false)
        );
        assert!(parse(&["--webhook-retries", "21"]).is_err());
        assert!(parse(&["--webhook-timeout-ms", "0"]).is_err());
    }
}
