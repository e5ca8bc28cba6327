// SPDX-License-Identifier: GPL-2.0
/* Helpers for the tests of vmctl run (vmrun.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmrun.h"
#include "vmtest.h"

double vr_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

const char *vr_guest(const char *file)
{
	const char *dir = getenv("THINVM_GUESTS");
	char *path;
	struct stat st;

	/* Each its own string, so one argument list can name several. */
	TEST_ASSERT(asprintf(&path, "%s/%s", dir ? dir : VR_GUESTS_DIR, file) > 0, "asprintf");
	TEST_ASSERT(!stat(path, &st), "example guest %s: %s", path, strerror(errno));
	return path;
}

const char *vr_device(void)
{
	return vt_kvm_phase() ? "/dev/kvm" : THINVM_DEV;
}

/* A vmctl still running when the test fails is killed, not left spinning. */
static pid_t running;

static void kill_running(void)
{
	if (running > 0)
		kill(running, SIGKILL);
}

void vr_start(struct vr_child *c, const char *const args[])
{
	static bool registered;
	int out[2], err[2];
	size_t n;

	memset(c, 0, sizeof(*c));
	n = snprintf(c->cmd, sizeof(c->cmd), "vmctl run");
	for (int i = 0; args[i]; i++)
		n += snprintf(c->cmd + n, n < sizeof(c->cmd) ? sizeof(c->cmd) - n : 0, " %s", args[i]);
	TEST_ASSERT(!pipe2(out, O_CLOEXEC) && !pipe2(err, O_CLOEXEC), "pipe");
	fflush(stdout);
	c->start = vr_now();
	c->pid = fork();
	TEST_ASSERT(c->pid >= 0, "fork");
	if (!c->pid) {
		const char *argv[64] = { "vmctl", "run" };
		sigset_t none;
		int i;

		/* A shell's background job starts with SIGINT ignored: not ours. */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);

		for (i = 0; args[i] && i < 61; i++)
			argv[i + 2] = args[i];
		argv[i + 2] = NULL;
		dup2(out[1], STDOUT_FILENO);
		dup2(err[1], STDERR_FILENO);
		execvp("vmctl", (char *const *)argv);
		fprintf(stderr, "exec vmctl: %s\n", strerror(errno));
		_exit(127);
	}
	running = c->pid;
	if (!registered)
		registered = !atexit(kill_running);
	close(out[1]);
	close(err[1]);
	c->out = out[0];
	c->err = err[0];
}

/* Read what is there on @c's pipes, waiting up to @ms; false when both are at end of file. */
static bool pump(struct vr_child *c, int ms)
{
	struct pollfd p[2] = { { c->out, POLLIN, 0 }, { c->err, POLLIN, 0 } };
	int *fds[2] = { &c->out, &c->err };
	char *bufs[2] = { c->outbuf, c->errbuf };
	size_t *lens[2] = { &c->outlen, &c->errlen };

	if (c->out < 0 && c->err < 0)
		return false;
	if (poll(p, 2, ms) <= 0)
		return true;
	for (int i = 0; i < 2; i++) {
		char tmp[4096];
		ssize_t got;

		if (*fds[i] < 0 || !p[i].revents)
			continue;
		got = read(*fds[i], tmp, sizeof(tmp));
		if (got <= 0) {
			close(*fds[i]);
			*fds[i] = -1;
			continue;
		}
		/* Keep the start; a runaway guest's flood is cut, not a crash. */
		if ((size_t)got > VR_OUT_MAX - 1 - *lens[i])
			got = VR_OUT_MAX - 1 - *lens[i];
		memcpy(bufs[i] + *lens[i], tmp, got);
		*lens[i] += got;
		bufs[i][*lens[i]] = '\0';
	}
	return true;
}

void vr_wait_for_line(struct vr_child *c, const char *prefix, int timeout_s)
{
	double deadline = vr_now() + timeout_s * 1e3;

	for (;;) {
		const char *l = c->outbuf;

		while (l && *l) {
			if (!strncmp(l, prefix, strlen(prefix)) && strchr(l, '\n'))
				return;
			l = strchr(l, '\n');
			if (l)
				l++;
		}
		if (vr_now() >= deadline || !pump(c, 100)) {
			printf("%s%s", c->outbuf, c->errbuf);
			TEST_ASSERT(0, "%s: no line \"%s...\" %s (its output is above)", c->cmd,
				    prefix, vr_now() >= deadline ? "in time" : "before it ended");
		}
	}
}

void vr_wait(struct vr_child *c, struct vr_result *r, int timeout_s)
{
	double deadline = c->start + timeout_s * 1e3;
	int status;

	memset(r, 0, sizeof(*r));
	while (pump(c, 100)) {
		if (vr_now() > deadline && !r->killed) {
			kill(c->pid, SIGKILL);
			r->killed = true;
		}
	}
	TEST_ASSERT(waitpid(c->pid, &status, 0) == c->pid, "waitpid");
	running = 0;
	r->seconds = (vr_now() - c->start) / 1e3;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	memcpy(r->out, c->outbuf, c->outlen + 1);
	memcpy(r->err, c->errbuf, c->errlen + 1);
	vt_log("$ %s   -> exit %d after %.1f s%s", c->cmd, r->status, r->seconds,
	       r->killed ? " (killed: took too long)" : "");
	if (c->outlen)
		printf("%s%s", c->outbuf, c->outbuf[c->outlen - 1] == '\n' ? "" : "\n");
	if (c->errlen)
		printf("[stderr] %s%s", c->errbuf, c->errbuf[c->errlen - 1] == '\n' ? "" : "\n");
	fflush(stdout);
}

void vr_run(struct vr_result *r, int timeout_s, const char *const args[])
{
	struct vr_child c;

	vr_start(&c, args);
	vr_wait(&c, r, timeout_s);
}

/* The line of @text that starts at @l, without its newline, into @buf. */
static const char *line_at(char *buf, size_t size, const char *l)
{
	size_t n = strcspn(l, "\n");

	snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), l);
	return buf;
}

const char *vr_why(const struct vr_result *r)
{
	static char buf[256];
	const char *last = NULL;

	if (r->err[0])
		return line_at(buf, sizeof(buf), r->err);
	for (const char *l = r->out; l && *l;) {
		const char *nl = strchr(l, '\n');

		if (*l != '\n')
			last = l;
		l = nl ? nl + 1 : NULL;
	}
	return last ? line_at(buf, sizeof(buf), last) : "no output";
}

void vr_keep(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	TEST_ASSERT(n < size, "%zu bytes of output, room for %zu", n, size - 1);
	memcpy(dst, src, n + 1);
}

bool vr_has_line(const char *haystack, const char *line)
{
	size_t n = strlen(line);

	for (const char *l = haystack; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, line, n) && (l[n] == '\n' || l[n] == '\0'))
			return true;
	return false;
}

const char *vr_write_flat(const char *name, const void *start, const void *end)
{
	static char path[256];
	size_t len = (const char *)end - (const char *)start;
	int fd;

	snprintf(path, sizeof(path), "/tmp/vmrun-%d-%s.bin", getpid(), name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	TEST_ASSERT(fd >= 0 && write(fd, start, len) == (ssize_t)len && !close(fd),
		    "write %s", path);
	return path;
}

static int kvm_vms(void)
{
	DIR *d = opendir("/sys/kernel/debug/kvm");
	struct dirent *e;
	int n = 0;

	TEST_ASSERT(d, "/sys/kernel/debug/kvm: %s (debugfs mounted?)", strerror(errno));
	while ((e = readdir(d)))
		n += strchr(e->d_name, '-') != NULL;	/* "PID-FD", one per VM */
	closedir(d);
	return n;
}

int vr_vms_alive(void)
{
	char buf[32];

	if (vt_kvm_phase())
		return kvm_vms();
	vt_read_line(THINVM_SYSFS "/vms", buf, sizeof(buf));
	return atoi(buf);
}

int vr_wait_vms(int n, int timeout_ms)
{
	double deadline = vr_now() + timeout_ms;
	int now;

	while ((now = vr_vms_alive()) != n && vr_now() < deadline)
		usleep(20000);
	return now;
}
