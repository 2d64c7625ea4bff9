//! Group commit: one writer task that takes every queued job (up to a bound), writes them in
//! one transaction and answers each waiting caller through a oneshot channel only after the
//! commit returned. A durable commit (`synchronous = FULL` on SQLite, `fsync` on PostgreSQL)
//! costs one disk flush whatever the number of rows, so under load many requests share one
//! flush instead of queueing for one each; with a single request in flight the batch is just
//! that request, so nothing waits for a timer.
//!
//! This module knows nothing about the jobs: the batch function is given at spawn time and
//! must return one answer per job, in order (see `service::complaint` for the complaint
//! intake, the only user so far). A panic inside the batch function fails the jobs of that
//! batch (their callers get `None`) but not the writer.
//!
//! Each writer reports its queue depth and the size and duration of its batches to the
//! metrics (`infra::metrics`), under the name it was spawned with.

use super::metrics;
use std::any::Any;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot};

/// A job and the channel its answer goes back on.
type Envelope<J, R> = (J, oneshot::Sender<R>);

/// The handle of a writer task; cloning it is cheap. The task ends when every handle is gone.
pub struct GroupCommit<J, R> {
    queue: mpsc::Sender<Envelope<J, R>>,
    name: &'static str,
}

impl<J, R> Clone for GroupCommit<J, R> {
    fn clone(&self) -> Self {
        Self {
            queue: self.queue.clone(),
            name: self.name,
        }
    }
}

/// Jobs waiting in a queue.
fn depth<T>(queue: &mpsc::Sender<T>) -> usize {
    queue.max_capacity() - queue.capacity()
}

impl<J: Send + 'static, R: Send + 'static> GroupCommit<J, R> {
    /// Spawns the writer on the current tokio runtime. `run` receives between 1 and
    /// `max_batch` jobs in arrival order and must return exactly one answer per job, in
    /// the same order; a missing answer leaves its caller with `None`.
    pub fn spawn<F, Fut>(max_batch: usize, queue_len: usize, run: F) -> Self
    where
        F: Fn(Vec<J>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Vec<R>> + Send + 'static,
    {
        Self::spawn_named("group_commit", max_batch, queue_len, run)
    }

    /// [`Self::spawn`] with the name its metrics carry (label `writer`).
    pub fn spawn_named<F, Fut>(
        name: &'static str,
        max_batch: usize,
        queue_len: usize,
        run: F,
    ) -> Self
    where
        F: Fn(Vec<J>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Vec<R>> + Send + 'static,
    {
        let max_batch = max_batch.max(1);
        let (queue, mut rx) = mpsc::channel::<Envelope<J, R>>(queue_len.max(max_batch));
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(max_batch);
            while rx.recv_many(&mut batch, max_batch).await > 0 {
                metrics::intake_queue_depth(name, rx.len());
                let size = batch.len();
                let started = std::time::Instant::now();
                let (jobs, replies): (Vec<J>, Vec<oneshot::Sender<R>>) = batch.drain(..).unzip();
                // A separate task, so that a panic in `run` fails this batch only.
                let answers = tokio::spawn(run(jobs)).await.unwrap_or_else(|e| {
                    tracing::error!("group commit batch failed: {e}");
                    Vec::new()
                });
                metrics::intake_batch(name, size, started.elapsed().as_secs_f64());
                metrics::intake_queue_depth(name, rx.len());
                for (reply, answer) in replies.into_iter().zip(answers) {
                    // The caller may have gone away (client disconnected): its job is
                    // committed all the same, exactly as with a plain transaction.
                    let _ = reply.send(answer);
                }
            }
        });
        Self { queue, name }
    }

    /// Queues a job and waits for its answer; `None` when the writer is gone or the batch
    /// failed without an answer (a panic).
    pub async fn submit(&self, job: J) -> Option<R> {
        let (reply, answer) = oneshot::channel();
        self.queue.send((job, reply)).await.ok()?;
        metrics::intake_queue_depth(self.name, depth(&self.queue));
        answer.await.ok()
    }
}

/// A per-database slot for one background writer, created on first use. It lives in
/// [`super::db::Db`], so every clone of a `Db` shares the same writer.
#[derive(Default)]
pub struct Slot(OnceLock<Arc<dyn Any + Send + Sync>>);

impl Slot {
    /// The value of type `T` in the slot, created by `init` on first use; `None` if the slot
    /// already holds a value of another type.
    pub fn get_or_init<T: Any + Send + Sync>(&self, init: impl FnOnce() -> T) -> Option<Arc<T>> {
        self.0
            .get_or_init(|| Arc::new(init()))
            .clone()
            .downcast::<T>()
            .ok()
    }
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "Slot(running)"
        } else {
            "Slot(empty)"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_job_gets_its_own_answer_in_order() {
        let sizes = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = sizes.clone();
        let writer = GroupCommit::spawn(8, 64, move |jobs: Vec<u32>| {
            seen.lock().expect("lock").push(jobs.len());
            async move { jobs.into_iter().map(|j| j * 2).collect::<Vec<_>>() }
        });
        let handles: Vec<_> = (0..50u32)
            .map(|i| {
                let w = writer.clone();
                tokio::spawn(async move { (i, w.submit(i).await) })
            })
            .collect();
        for h in handles {
            let (i, answer) = h.await.expect("task");
            assert_eq!(answer, Some(i * 2));
        }
        let sizes = sizes.lock().expect("lock").clone();
        assert_eq!(sizes.iter().sum::<usize>(), 50);
        assert!(sizes.iter().all(|&n| (1..=8).contains(&n)));
    }

    #[tokio::test]
    async fn a_panicking_batch_fails_only_its_jobs() {
        let writer = GroupCommit::spawn(1, 4, |jobs: Vec<u32>| async move {
            assert!(jobs[0] != 1, "boom");
            jobs
        });
        assert_eq!(writer.submit(1).await, None);
        assert_eq!(writer.submit(2).await, Some(2));
    }
}
