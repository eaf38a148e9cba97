//! A small client of Redis's protocol (RESP2), the few commands `queue-workers` needs on Redis
//! (AUTH, SET, GET, DEL, LPUSH, RPUSH, BLMOVE, BRPOP, LRANGE, LREM): a command is an array of bulk
//! strings, a reply one value, read with every length bounded. Written here rather than a crate's:
//! the commands are a dozen lines, and what is measured is one round trip per call on a blocking
//! socket, the same shape as the own broker's client.

use anyhow::{bail, Context};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, TcpStream};
use std::time::Duration;

/// The largest bulk string read: a job's parameters or an answer, many times over.
const MAX_BULK: usize = 16 << 20;
/// The most elements of an array read (LRANGE of a worker's running list holds one or two).
const MAX_ARRAY: usize = 1 << 20;

/// A reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Simple(String),
    Int(i64),
    /// None: the null bulk string (a missing key, a blocking pop that timed out).
    Bulk(Option<Vec<u8>>),
    /// None: the null array.
    Array(Option<Vec<Value>>),
}

impl Value {
    /// A bulk string's bytes, None for a null.
    pub fn bytes(self) -> anyhow::Result<Option<Vec<u8>>> {
        match self {
            Value::Bulk(b) => Ok(b),
            other => bail!("Redis answered {other:?} where a string was expected"),
        }
    }

    /// An array's elements, None for a null (a blocking pop that timed out).
    pub fn array(self) -> anyhow::Result<Option<Vec<Value>>> {
        match self {
            Value::Array(a) => Ok(a),
            other => bail!("Redis answered {other:?} where an array was expected"),
        }
    }
}

/// One connection to Redis.
pub struct Resp {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Resp {
    /// Connect (from `source` when given) and authenticate with `key`.
    pub fn connect(addr: &str, key: &str, source: Option<IpAddr>) -> anyhow::Result<Resp> {
        let stream = super::queue_protocol::connect(addr, source)?;
        let mut resp = Resp {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
        };
        resp.call(&[b"AUTH", key.as_bytes()])
            .context("Redis refused the key")?;
        Ok(resp)
    }

    /// Bound every reply's wait (a blocking pop's own timeout must be shorter).
    pub fn set_timeout(&self, t: Duration) -> std::io::Result<()> {
        self.writer.set_read_timeout(Some(t))
    }

    /// Send one command and read its reply; an error reply is an error.
    pub fn call(&mut self, args: &[&[u8]]) -> anyhow::Result<Value> {
        let mut out = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
        self.writer.write_all(&out)?;
        read_value(&mut self.reader, 0)
    }
}

/// Read one reply, nested no deeper than a few arrays.
fn read_value(r: &mut impl BufRead, depth: usize) -> anyhow::Result<Value> {
    anyhow::ensure!(depth < 4, "Redis's reply nests too deep");
    let mut line = Vec::new();
    r.by_ref().take(64 << 10).read_until(b'\n', &mut line)?;
    let Some(body) = line.strip_suffix(b"\r\n") else {
        bail!("Redis's connection ended mid-reply");
    };
    let (kind, rest) = body.split_first().context("an empty reply line")?;
    let text = String::from_utf8_lossy(rest).into_owned();
    let len = || -> anyhow::Result<i64> {
        text.parse()
            .with_context(|| format!("a length {text:?} in Redis's reply"))
    };
    Ok(match kind {
        b'+' => Value::Simple(text),
        b'-' => bail!("Redis: {text}"),
        b':' => Value::Int(len()?),
        b'$' => match len()? {
            n if n < 0 => Value::Bulk(None),
            n => {
                let n = n as usize;
                anyhow::ensure!(n <= MAX_BULK, "a string of {n} bytes from Redis");
                let mut data = vec![0u8; n + 2];
                r.read_exact(&mut data)?;
                data.truncate(n);
                Value::Bulk(Some(data))
            }
        },
        b'*' => match len()? {
            n if n < 0 => Value::Array(None),
            n => {
                let n = n as usize;
                anyhow::ensure!(n <= MAX_ARRAY, "an array of {n} elements from Redis");
                let items = (0..n)
                    .map(|_| read_value(r, depth + 1))
                    .collect::<anyhow::Result<Vec<_>>>()?;
                Value::Array(Some(items))
            }
        },
        other => bail!("Redis sent a reply of unknown type {:?}", *other as char),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> anyhow::Result<Value> {
        read_value(&mut BufReader::new(bytes), 0)
    }

    #[test]
    fn replies_parse_and_bad_ones_are_errors() {
        assert_eq!(parse(b"+OK\r\n").unwrap(), Value::Simple("OK".into()));
        assert_eq!(parse(b":3\r\n").unwrap(), Value::Int(3));
        assert_eq!(parse(b"$-1\r\n").unwrap(), Value::Bulk(None));
        assert_eq!(
            parse(b"$5\r\nhello\r\n").unwrap(),
            Value::Bulk(Some(b"hello".to_vec()))
        );
        assert_eq!(
            parse(b"*2\r\n$1\r\na\r\n:1\r\n").unwrap(),
            Value::Array(Some(vec![Value::Bulk(Some(b"a".to_vec())), Value::Int(1)]))
        );
        assert_eq!(parse(b"*-1\r\n").unwrap(), Value::Array(None));
        let e = parse(b"-WRONGPASS invalid password\r\n").unwrap_err();
        assert!(e.to_string().contains("WRONGPASS"), "{e}");
        assert!(parse(b"$5\r\nhel").is_err(), "cut short");
        assert!(parse(b"$999999999\r\n").is_err(), "too long");
        assert!(parse(b"*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n").is_err());
        assert!(parse(b"?x\r\n").is_err());
    }
}
