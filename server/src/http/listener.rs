//! Connections, bounded: the listener every request comes through.
//!
//! Without bounds, about 1,000 idle connections took every file descriptor and locked everyone
//! out (hyper's header-read timeout needs a timer that `axum::serve` does not set). Here:
//!
//! - at most [`MAX_CONNECTIONS`] at once (new ones wait in the kernel's backlog), and at most
//!   [`MAX_PER_PEER`] from one address — except from a trusted reverse proxy, which carries
//!   everyone's — so one client cannot take them all;
//! - a connection must send its first bytes within [`FIRST_BYTES`], and one with no bytes either
//!   way for [`IDLE`] is closed (a phone that lost its network, a client holding sockets open).
//!   [`IDLE`] is longer than any handler runs, and an upload's pieces keep a connection busy.

use crate::config::Cidr;
use axum::serve::Listener;
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// Connections at once: below the usual limit of 1,024 descriptors, leaving room for the
/// database, blobs and logs.
pub const MAX_CONNECTIONS: usize = 768;
/// Connections at once from one address: a browser opens six or so per site, but a school
/// or office behind one address, or a payment provider sending a burst of notifications,
/// opens many more.
pub const MAX_PER_PEER: usize = 128;
/// A new connection must start its request within this.
pub const FIRST_BYTES: Duration = Duration::from_secs(15);
/// A connection with no bytes in or out for this long is closed.
pub const IDLE: Duration = Duration::from_secs(120);

pub struct GuardedListener {
    inner: TcpListener,
    slots: Arc<Semaphore>,
    peers: Arc<Mutex<HashMap<IpAddr, usize>>>,
    trusted: Vec<Cidr>,
}

impl GuardedListener {
    pub fn new(inner: TcpListener, trusted: Vec<Cidr>) -> GuardedListener {
        GuardedListener {
            inner,
            slots: Arc::new(Semaphore::new(MAX_CONNECTIONS)),
            peers: Arc::default(),
            trusted,
        }
    }
}

impl Listener for GuardedListener {
    type Io = GuardedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (GuardedStream, SocketAddr) {
        loop {
            let Ok(slot) = self.slots.clone().acquire_owned().await else {
                // The semaphore is never closed; if it were, wait rather than spin.
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            };
            let (stream, addr) = match self.inner.accept().await {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors or a reset before accept: back off a little.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let ip = addr.ip();
            let peer = if self.trusted.iter().any(|c| c.contains(ip)) {
                None
            } else {
                let mut peers = self.peers.lock().unwrap_or_else(|e| e.into_inner());
                let open = peers.entry(ip).or_default();
                if *open >= MAX_PER_PEER {
                    drop(peers);
                    tracing::info!(%ip, "too many connections from one address: closed");
                    continue; // the stream and the slot are dropped: closed at once
                }
                *open += 1;
                Some(PeerCount { ip, peers: self.peers.clone() })
            };
            let _ = stream.set_nodelay(true);
            return (GuardedStream::new(stream, slot, peer), addr);
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// One connection counted against its address; uncounted when the connection goes.
struct PeerCount {
    ip: IpAddr,
    peers: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl Drop for PeerCount {
    fn drop(&mut self) {
        let mut peers = self.peers.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(open) = peers.get_mut(&self.ip) {
            *open -= 1;
            if *open == 0 {
                peers.remove(&self.ip);
            }
        }
    }
}

/// A connection that closes itself when nothing moves for too long.
pub struct GuardedStream {
    inner: TcpStream,
    deadline: Pin<Box<Sleep>>,
    _slot: OwnedSemaphorePermit,
    _peer: Option<PeerCount>,
}

impl GuardedStream {
    fn new(inner: TcpStream, slot: OwnedSemaphorePermit, peer: Option<PeerCount>) -> GuardedStream {
        GuardedStream { inner, deadline: Box::pin(tokio::time::sleep(FIRST_BYTES)), _slot: slot, _peer: peer }
    }

    fn moved(&mut self) {
        self.deadline.as_mut().reset(Instant::now() + IDLE);
    }

    /// Pending I/O: still waiting, or timed out if the deadline passed.
    fn still_waiting<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "connection idle"))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for GuardedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    self.moved();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => self.still_waiting(cx),
        }
    }
}

impl AsyncWrite for GuardedStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write(cx, data) {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    self.moved();
                }
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => self.still_waiting(cx),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write_vectored(cx, bufs) {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    self.moved();
                }
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => self.still_waiting(cx),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
