// The C surface of hiredis that kymon uses, plus a few `kymon_` helpers Swift cannot express directly:
// typed replies instead of `void *`, timeouts in microseconds instead of `struct timeval`, the context's
// fixed-size error array as a C string, and protection from SIGPIPE around socket writes.
#ifndef KYMON_CHIREDIS_SHIM_H
#define KYMON_CHIREDIS_SHIM_H

#include <hiredis/hiredis.h>

#include <errno.h>
#include <signal.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

/// A `struct timeval` for `usec` microseconds; values below 1 ms become 1 ms (zero would mean "no timeout").
static inline struct timeval kymon_timeval(long long usec) {
    if (usec < 1000) usec = 1000;
    struct timeval tv;
    tv.tv_sec = (time_t)(usec / 1000000);
    tv.tv_usec = (suseconds_t)(usec % 1000000);
    return tv;
}

/// Connects with a connect timeout; returns NULL only when out of memory, otherwise check `err`.
static inline redisContext *kymon_connect(const char *host, int port, long long timeout_usec) {
    redisContext *c = redisConnectWithTimeout(host, port, kymon_timeval(timeout_usec));
#if defined(SO_NOSIGPIPE)
    // macOS: a write to a closed socket returns EPIPE instead of raising SIGPIPE.
    if (c != NULL && c->err == 0) {
        int on = 1;
        setsockopt(c->fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof(on));
    }
#endif
    return c;
}

/// Sets the send and receive timeout of every later command.
static inline int kymon_set_timeout(redisContext *c, long long timeout_usec) {
    return redisSetTimeout(c, kymon_timeval(timeout_usec));
}

/// The context's error text (hiredis keeps it in a fixed-size array that Swift sees as a tuple).
static inline const char *kymon_errstr(const redisContext *c) {
    return c->errstr;
}

/// True when the last failed call of `c` failed because a socket timeout expired;
/// `saved_errno` is errno right after that call.
static inline int kymon_is_timeout(const redisContext *c, int saved_errno) {
#if defined(REDIS_ERR_TIMEOUT)
    if (c->err == REDIS_ERR_TIMEOUT) return 1;
#endif
    return c->err == REDIS_ERR_IO && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK || saved_errno == ETIMEDOUT);
}

/// SIGPIPE state saved around one blocking call.
typedef struct {
    sigset_t old_mask;
    int was_pending;
} kymon_sigpipe_guard;

/// Blocks SIGPIPE on this thread, so a write to a socket the server closed fails with EPIPE
/// instead of killing the process. Linux has no per-socket switch (macOS uses SO_NOSIGPIPE).
static inline void kymon_sigpipe_enter(kymon_sigpipe_guard *guard) {
#if defined(__linux__)
    sigset_t pipe_set, pending;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigemptyset(&pending);
    sigpending(&pending);
    guard->was_pending = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_set, &guard->old_mask);
#else
    (void)guard;
#endif
}

/// Consumes a SIGPIPE raised since `kymon_sigpipe_enter`, then restores the thread's mask; keeps errno.
static inline void kymon_sigpipe_leave(kymon_sigpipe_guard *guard) {
#if defined(__linux__)
    int saved_errno = errno;
    if (!guard->was_pending) {
        sigset_t pipe_set, pending;
        sigemptyset(&pipe_set);
        sigaddset(&pipe_set, SIGPIPE);
        sigemptyset(&pending);
        sigpending(&pending);
        if (sigismember(&pending, SIGPIPE) == 1) {
            struct timespec zero = {0, 0};
            while (sigtimedwait(&pipe_set, NULL, &zero) == -1 && errno == EINTR) {}
        }
    }
    pthread_sigmask(SIG_SETMASK, &guard->old_mask, NULL);
    errno = saved_errno;
#else
    (void)guard;
#endif
}

/// `redisCommandArgv` (binary-safe: every argument has a length) with a typed reply and SIGPIPE protection.
/// Returns NULL on a connection error; `*timed_out` then says whether the command timeout expired.
static inline redisReply *kymon_command_argv(redisContext *c, int argc, const char *const *argv, const size_t *argvlen,
                                             int *timed_out) {
    kymon_sigpipe_guard guard;
    kymon_sigpipe_enter(&guard);
    errno = 0;
    redisReply *reply = (redisReply *)redisCommandArgv(c, argc, (const char **)argv, argvlen);
    *timed_out = reply == NULL && kymon_is_timeout(c, errno);
    kymon_sigpipe_leave(&guard);
    return reply;
}

/// `redisGetReply` for a pushed reply (a subscriber's messages), typed, with the same error contract as above.
static inline redisReply *kymon_get_reply(redisContext *c, int *timed_out) {
    kymon_sigpipe_guard guard;
    kymon_sigpipe_enter(&guard);
    errno = 0;
    void *reply = NULL;
    if (redisGetReply(c, &reply) != REDIS_OK) {
        reply = NULL;
    }
    *timed_out = reply == NULL && kymon_is_timeout(c, errno);
    kymon_sigpipe_leave(&guard);
    return (redisReply *)reply;
}

#endif
