//! Browser tests: the real application on port 0 (SQLite or PostgreSQL, see the API tests'
//! `helpers.rs`), driven through Debian's `chromium` by `chromedriver` over WebDriver.
//!
//! When `chromedriver` is not installed the tests print a notice and pass, unless
//! `FAZHI_REQUIRE_BROWSER=1` (set by `.ci/run`), which makes a missing browser a failure.
//! Screenshots go to `target/screenshots/`; with `FAZHI_SCREENSHOTS=docs` they are written to
//! `docs/screenshots/` (committed, for reviewers).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

mod admin;
mod browser;
mod cases;
mod complaints;
mod dashboard;
mod first_day;
mod office;
mod portal;
