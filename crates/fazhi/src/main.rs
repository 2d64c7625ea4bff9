//! The `fazhi` binary: parses the command line and runs it (see `cli`).

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let cli = fazhi::cli::Cli::parse();
    fazhi::infra::logging::init(cli.log_format());
    match fazhi::cli::run(cli).await {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("错误：{e:#}");
            std::process::exit(2);
        }
    }
}
