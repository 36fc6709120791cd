//! `TestApp`: the real application on a fresh database, driven through its router, for the
//! tests of this crate, of each module and of the composed binary.

// A test helper: a failed step is the test's failure, reported by the panic.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use crate::{AppState, Module, app};
use accordo_domain::clock::FixedClock;
use accordo_service::{PasswordCost, Platform, Settings, demo};
use accordo_store::Store;
use accordo_store::testing::{Template, TestDb};
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;

/// The day every test app starts on (the demo's data are dated around it).
const DEMO_DAY: &str = "2026-11-23T09:00:00Z";

pub struct TestApp {
    pub router: Router,
    pub platform: Platform,
    pub clock: Arc<FixedClock>,
    db: Option<TestDb>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or("").to_owned()
    }
}

impl TestApp {
    /// The demo partnership with `modules` on a fresh database of the given store.
    pub async fn on(db: TestDb, modules: &[&'static Module]) -> TestApp {
        let store = db.store.clone();
        TestApp::build(store, Some(db), DEMO_DAY, modules, true, |_| {}).await
    }

    /// The demo partnership on a fresh SQLite database, with some settings changed.
    pub async fn with_settings(
        modules: &[&'static Module],
        adjust: impl FnOnce(&mut Settings),
    ) -> TestApp {
        let db = TestDb::sqlite().await;
        let store = db.store.clone();
        TestApp::build(store, Some(db), DEMO_DAY, modules, true, adjust).await
    }

    /// `modules` on a copy of a template made by [`TestApp::into_template`]: the same day as
    /// the template's, nothing seeded again.
    pub async fn on_copy(db: TestDb, modules: &[&'static Module]) -> TestApp {
        let store = db.store.clone();
        TestApp::build(store, Some(db), DEMO_DAY, modules, false, |_| {}).await
    }

    /// `modules` on a database that exists already (made by an earlier version, say):
    /// prepared (migrated) as `accordo serve` would, and not seeded.
    pub async fn existing(store: Store, modules: &[&'static Module]) -> TestApp {
        TestApp::build(store, None, "2026-12-01T09:00:00Z", modules, false, |_| {}).await
    }

    async fn build(
        store: Store,
        db: Option<TestDb>,
        day: &str,
        modules: &[&'static Module],
        seed: bool,
        adjust: impl FnOnce(&mut Settings),
    ) -> TestApp {
        let clock = Arc::new(FixedClock::at(day.parse().unwrap()));
        let mut settings = Settings {
            password_cost: PasswordCost::Test,
            ..Settings::default()
        };
        adjust(&mut settings);
        let platform =
            Platform::with_clock(store, settings, clock.clone(), &Module::cores(modules));
        platform.prepare().await.unwrap();
        if seed {
            demo::seed(&platform).await.unwrap();
        }
        let state = AppState::new(platform.clone(), modules).unwrap();
        state.mark_ready();
        TestApp {
            router: app(state),
            platform,
            clock,
            db,
        }
    }

    /// Closes the app and keeps its database as a template for [`TestApp::on_copy`].
    pub async fn into_template(mut self) -> Template {
        self.db
            .take()
            .expect("an app on a test database")
            .into_template()
            .await
    }

    pub async fn sqlite(modules: &[&'static Module]) -> TestApp {
        TestApp::on(TestDb::sqlite().await, modules).await
    }

    pub async fn finish(mut self) {
        if let Some(db) = self.db.take() {
            db.drop_db().await;
        }
    }

    pub fn store(&self) -> &Store {
        &self.platform.store
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        auth: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(token) = auth {
            req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(req.body(body).unwrap()).await
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(req).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024)
            .await
            .unwrap();
        Reply {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.request(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.request(Method::POST, path, token, Some(&body)).await
    }

    /// Signs in through the API and returns the token.
    pub async fn token(&self, username: &str) -> String {
        let reply = self
            .post(
                "/api/v1/auth/token",
                None,
                serde_json::json!({"username": username, "password": demo::DEMO_PASSWORD}),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "sign-in of {username}: {}",
            reply.text
        );
        reply.json()["token"].as_str().unwrap().to_owned()
    }

    pub async fn user_id(&self, admin_token: &str, username: &str) -> String {
        let users = self.get("/api/v1/users", admin_token).await.json();
        users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == username)
            .unwrap_or_else(|| panic!("no user {username}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// Runs `body` against the app with `modules` on SQLite and, when configured, on PostgreSQL.
pub async fn each_engine<F, Fut>(modules: &[&'static Module], body: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: std::future::Future<Output = TestApp>,
{
    let app = TestApp::sqlite(modules).await;
    body(app).await.finish().await;
    match std::env::var(accordo_store::testing::PG_ENV) {
        Ok(url) if !url.is_empty() => {
            let app = TestApp::on(TestDb::postgres(&url).await, modules).await;
            body(app).await.finish().await;
        }
        _ => accordo_store::testing::say_postgres_skipped(),
    }
}

/// The access matrix (`crates/accordo/tests/app/access_matrix.rs`): every route of the API and
/// every page, tried without credentials, by every demo user and by a user of every role at
/// every kind of agency, against records of the victim agency IT-UI. Each module brings the
/// rows of its routes and pages and arranges its victim records.
pub mod matrix {
    use std::future::Future;
    use std::pin::Pin;

    use accordo_domain::{Role, RoleSet};
    use serde_json::Value;

    use super::TestApp;

    /// The string every IT-UI record of the matrix carries: seen by anyone a row does not
    /// allow, it is a leak.
    pub const CANARY: &str = "CANARY-IT-UI";
    /// A second caseworker of IT-UI, the agency whose records everyone else reaches for.
    pub const VICTIM: &str = "victim.caseworker";
    /// ICAO's specimen passport (Doc 9303 part 4): IT-UI reports it stolen.
    pub const SPECIMEN_TD3: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

    /// IT-UI acting with `role`, as `victim.<role>` (its only user is a caseworker): for a
    /// module's `arrange` to write IT-UI's records of a kind only another role writes.
    pub fn victim_as(role: Role) -> accordo_service::Ctx {
        accordo_service::Ctx {
            actor: accordo_domain::Actor {
                user_id: uuid::Uuid::now_v7(),
                username: format!("victim.{}", role.as_str()),
                agency: accordo_domain::AgencyCode::parse("IT-UI")
                    .unwrap_or_else(|_| unreachable!("IT-UI is a valid agency code")),
                country: accordo_domain::CountryCode::parse("ITA").ok(),
                roles: [role].into_iter().collect(),
                operator: false,
                host_state: true,
                mandate: Vec::new(),
            },
            request_id: None,
        }
    }

    /// The kinds of agency the matrix makes a user of every role at, `(kind, agency)`: the
    /// operator, another agency of the host state, a member state's, a partner country's and
    /// the independent monitor. Each user is `m.<kind>.<role>`.
    pub const KINDS: &[(&str, &str)] = &[
        ("operator", "IT-MI"),
        ("host", "IT-PS"),
        ("member", "ES-PN"),
        ("partner", "PK-MOI"),
        ("monitor", "UNHCR"),
    ];

    /// Someone the matrix signs in as.
    #[derive(Debug, Clone)]
    pub struct Person {
        pub username: String,
        pub agency: &'static str,
        pub roles: RoleSet,
    }

    impl Person {
        /// The agency belongs to the host state (Italy in the demo).
        pub fn host_state(&self) -> bool {
            self.agency.starts_with("IT-")
        }

        /// The agency operates the platform.
        pub fn operator(&self) -> bool {
            self.agency == "IT-MI"
        }
    }

    /// Everyone the matrix tries, the victim first: the demo's users and a user of every
    /// role at every kind of agency.
    pub fn persons() -> Vec<Person> {
        let mut all = vec![Person {
            username: VICTIM.into(),
            agency: "IT-UI",
            roles: [Role::Caseworker].into_iter().collect(),
        }];
        for (username, _, agency, roles, _) in accordo_service::demo::USERS {
            all.push(Person {
                username: (*username).into(),
                agency,
                roles: RoleSet::parse_list(roles).unwrap_or_default(),
            });
        }
        for (kind, agency) in KINDS {
            for role in Role::ALL {
                all.push(Person {
                    username: format!("m.{kind}.{}", role.as_str()),
                    agency,
                    roles: [role].into_iter().collect(),
                });
            }
        }
        all
    }

    /// Where a role is held, for [`Who::Holders`].
    #[derive(Debug, Clone, Copy)]
    pub enum At {
        Anywhere,
        /// An agency of the host state.
        HostState,
        /// The operator's agency.
        Operator,
        Agency(&'static str),
    }

    /// The operator's administrators, who reach every agency's records where a kind grants
    /// the platform reach.
    pub const OPERATOR_ADMINS: &[(Role, At)] = &[(Role::Admin, At::Operator)];

    /// Who may use a route on IT-UI's records, or see IT-UI's canary in an answer.
    pub enum Who {
        Everyone,
        /// These users by name.
        Only(&'static [&'static str]),
        /// Whoever holds one of these roles where it says.
        Holders(&'static [(Role, At)]),
        /// These users, and the holders.
        Either(&'static [&'static str], &'static [(Role, At)]),
    }

    impl Who {
        pub fn allows(&self, person: &Person) -> bool {
            let named = |list: &[&str]| list.contains(&person.username.as_str());
            let holds = |holders: &[(Role, At)]| {
                holders.iter().any(|(role, at)| {
                    person.roles.contains(*role)
                        && match at {
                            At::Anywhere => true,
                            At::HostState => person.host_state(),
                            At::Operator => person.operator(),
                            At::Agency(code) => person.agency == *code,
                        }
                })
            };
            match self {
                Who::Everyone => true,
                Who::Only(list) => named(list),
                Who::Holders(holders) => holds(holders),
                Who::Either(list, holders) => named(list) || holds(holders),
            }
        }
    }

    /// One route or page of the matrix, written independently of `can`.
    pub struct AccessRow {
        pub method: &'static str,
        /// As the OpenAPI document or the page routes name it; `{id}` becomes the arranged
        /// record whose path prefix matches.
        pub path: &'static str,
        /// `null` for none; for a page, the form's fields as an object (an array for a field
        /// given more than once).
        pub body: Value,
        pub who: Who,
        pub sees_canary: Who,
    }

    /// A row: who may use the route, and who may see IT-UI's canary in its answer.
    pub fn row(
        method: &'static str,
        path: &'static str,
        body: Value,
        who: Who,
        sees_canary: Who,
    ) -> AccessRow {
        AccessRow {
            method,
            path,
            body,
            who,
            sees_canary,
        }
    }

    /// The records a module made for IT-UI: `(path prefix, id)`, e.g.
    /// `("/api/v1/returns/cases/", "…")` or `("/returns/requests/", "…")`.
    pub type Arranged = Vec<(&'static str, String)>;

    /// Makes IT-UI's records of a module; the second argument is the token of [`VICTIM`].
    pub type Arrange =
        for<'a> fn(&'a TestApp, &'a str) -> Pin<Box<dyn Future<Output = Arranged> + Send + 'a>>;

    /// What a module gives the matrix.
    pub struct AccessMatrix {
        /// Its API routes.
        pub rows: fn() -> Vec<AccessRow>,
        /// Its pages.
        pub pages: fn() -> Vec<AccessRow>,
        pub arrange: Arrange,
    }
}
