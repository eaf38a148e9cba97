//! The slow server on a runtime of its own inside the test process: cheap to start per test, on
//! 127.0.0.1 port 0, shut down when dropped.

use concbench_server::{Config, SlowServer, StatsSnapshot};
use std::time::Duration;

pub struct TestServer {
    rt: tokio::runtime::Runtime,
    server: Option<SlowServer>,
}

impl TestServer {
    pub fn start(workers: usize, delay: Duration) -> TestServer {
        TestServer::start_with(Config::ephemeral(workers, delay))
    }

    /// A server of any configuration (a misbehaving one).
    pub fn start_with(config: Config) -> TestServer {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = rt.block_on(SlowServer::start(config)).unwrap();
        TestServer {
            rt,
            server: Some(server),
        }
    }

    pub fn url(&self) -> String {
        self.server.as_ref().unwrap().url()
    }

    pub fn stats(&self) -> StatsSnapshot {
        self.server.as_ref().unwrap().stats()
    }

    pub fn reset(&self) {
        self.server.as_ref().unwrap().reset_stats()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.server.take() {
            self.rt.block_on(s.shutdown());
        }
    }
}
