//! Black-box tests of the `fazhi` application through its HTTP API and CLI, on SQLite or
//! PostgreSQL (see `helpers.rs`). One test binary keeps link time down.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod admin_pages;
mod audit;
mod auth;
mod backup;
mod calendars;
mod case_pages;
mod cases;
mod complaint_pages;
mod complaints;
mod dashboard;
mod demo_year;
mod documents;
mod errors;
mod helpers;
mod layers;
mod masking;
mod migrations;
mod observability;
mod open311;
mod permissions;
mod personal_data;
mod portal;
mod roles;
mod settings;
mod timelines;
mod web_surface;
