/* Runs a command and reports its own peak RSS, CPU time and wall time (used by bench/run.py).
 *
 *   rss_exec REPORT_FILE PROGRAM [ARGS...]
 *
 * Why not measure from Python: Linux records in ru_maxrss the resident size the forked child
 * had before exec, that is the size of whoever forked it; forked from this small program the
 * floor is well under 1 MiB instead of the Python runner's ~25 MiB. Writes one line
 * "maxrss_kib user_us sys_us wall_ns status" to REPORT_FILE; exits with the child's status. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: rss_exec REPORT_FILE PROGRAM [ARGS...]\n");
        return 125;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 125; }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror("exec");
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) { perror("wait4"); return 125; }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long wall = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    FILE *f = fopen(argv[1], "w");
    if (!f) { perror(argv[1]); return 125; }
    fprintf(f, "%ld %lld %lld %lld %d\n", ru.ru_maxrss,
            (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
            (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec, wall, code);
    fclose(f);
    return code;
}
