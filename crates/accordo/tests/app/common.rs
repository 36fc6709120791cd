//! The tests' view of the composed application: the platform's `TestApp` with every module
//! the binary serves.

pub use accordo_server::testing::{Reply, TestApp};
use accordo_store::testing::TestDb;

/// The whole application (every module) on a fresh SQLite database.
pub async fn app_sqlite() -> TestApp {
    TestApp::sqlite(accordo::MODULES).await
}

/// The whole application on the given database.
pub async fn app_on(db: TestDb) -> TestApp {
    TestApp::on(db, accordo::MODULES).await
}

/// The whole application on a copy of a template (`TestApp::into_template`).
pub async fn app_on_copy(db: TestDb) -> TestApp {
    TestApp::on_copy(db, accordo::MODULES).await
}

/// Runs `body` against the whole application on SQLite and, when configured, on PostgreSQL.
pub async fn each_engine<F, Fut>(body: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: std::future::Future<Output = TestApp>,
{
    accordo_server::testing::each_engine(accordo::MODULES, body).await;
}

/// Whether `condition` holds within 5 seconds (asked every 100 ms): for what another node
/// learns through PostgreSQL's notifications.
pub async fn wait_for(condition: impl Fn() -> bool) -> bool {
    for _ in 0..50 {
        if condition() {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    condition()
}
