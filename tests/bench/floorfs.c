/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * floorfs: the FUSE floor for the benchmarks. It copies a directory tree
 * into memory (names, attributes, file contents) and serves it read-only
 * through the same kernel interface and with the same settings as fsimg's
 * FUSE backend: readdirplus only, directory listings and file pages kept
 * by the kernel, entries and attributes cached for a year, zero-message
 * opens, requests of up to 1 MiB less four pages, a multi-threaded loop
 * with a descriptor per worker. Extended attributes are answered as by a
 * filesystem that has them and none is set (ENODATA), which is what an
 * ext4 or XFS image costs; FAT's ENOSYS costs less.
 *
 * It parses nothing and reads no disk, so what it measures is the cost of
 * FUSE on this kernel: the time fsimg cannot go below. Benchmark use only:
 * the whole tree is held in memory.
 *
 * Usage: floorfs [-f] [-o allow_other] SRCDIR MOUNTPOINT
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TIMEOUT (365.0 * 86400.0)
#define MAX_IO	(1u << 20)

struct node {
	struct stat st;
	char *name;
	size_t parent;
	size_t *kids; /* directories: indexes into nodes[] */
	size_t nkids;
	char *data; /* regular files: contents; symlinks: target */
};

static struct node *nodes; /* nodes[0] is the root; node id = index + 1 */
static size_t nnodes, cap;

static size_t add_node(const char *name, const struct stat *st, size_t parent)
{
	if (nnodes == cap) {
		cap = cap ? cap * 2 : 1024;
		nodes = realloc(nodes, cap * sizeof(*nodes));
		if (!nodes) {
			perror("floorfs");
			exit(1);
		}
	}
	memset(&nodes[nnodes], 0, sizeof(nodes[0]));
	nodes[nnodes].st = *st;
	nodes[nnodes].st.st_ino = nnodes + 1;
	nodes[nnodes].name = strdup(name);
	nodes[nnodes].parent = parent;
	return nnodes++;
}

static void *read_all(int dfd, const char *name, size_t size)
{
	char *buf = malloc(size ? size : 1);
	size_t done = 0;
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW);

	if (!buf || fd < 0) {
		perror(name);
		exit(1);
	}
	while (done < size) {
		ssize_t n = read(fd, buf + done, size - done);

		if (n <= 0) {
			perror(name);
			exit(1);
		}
		done += (size_t)n;
	}
	close(fd);
	return buf;
}

static void load(int dfd, size_t self)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		perror("fdopendir");
		exit(1);
	}
	while ((de = readdir(d))) {
		struct stat st;
		size_t k;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
			perror(de->d_name);
			exit(1);
		}
		k = add_node(de->d_name, &st, self);
		if (S_ISREG(st.st_mode)) {
			nodes[k].data =
				read_all(dfd, de->d_name, (size_t)st.st_size);
		} else if (S_ISLNK(st.st_mode)) {
			char t[PATH_MAX];
			ssize_t n =
				readlinkat(dfd, de->d_name, t, sizeof(t) - 1);

			t[n > 0 ? n : 0] = '\0';
			nodes[k].data = strdup(t);
		} else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dfd, de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW);

			if (sub < 0) {
				perror(de->d_name);
				exit(1);
			}
			load(sub, k);
		}
	}
	closedir(d);
}

/* children lists, built once everything is loaded (nodes[] moved) */
static void link_children(void)
{
	for (size_t i = 1; i < nnodes; i++)
		nodes[nodes[i].parent].nkids++;
	for (size_t i = 0; i < nnodes; i++) {
		if (nodes[i].nkids)
			nodes[i].kids = calloc(nodes[i].nkids, sizeof(size_t));
		nodes[i].nkids = 0;
	}
	for (size_t i = 1; i < nnodes; i++) {
		struct node *p = &nodes[nodes[i].parent];

		p->kids[p->nkids++] = i;
	}
}

static struct node *node_of(fuse_ino_t ino)
{
	return ino >= 1 && ino <= nnodes ? &nodes[ino - 1] : NULL;
}

static void fill_entry(size_t i, struct fuse_entry_param *e)
{
	memset(e, 0, sizeof(*e));
	e->ino = i + 1;
	e->attr = nodes[i].st;
	e->attr_timeout = TIMEOUT;
	e->entry_timeout = TIMEOUT;
}

static void op_init(void *ud, struct fuse_conn_info *conn)
{
	(void)ud;
	conn->want &= ~(unsigned)(FUSE_CAP_AUTO_INVAL_DATA |
				  FUSE_CAP_WRITEBACK_CACHE);
	if (conn->capable & FUSE_CAP_READDIRPLUS) {
		conn->want |= FUSE_CAP_READDIRPLUS;
		conn->want &= ~(unsigned)FUSE_CAP_READDIRPLUS_AUTO;
	}
	if (conn->capable & FUSE_CAP_CACHE_SYMLINKS)
		conn->want |= FUSE_CAP_CACHE_SYMLINKS;
	if (conn->capable & FUSE_CAP_PARALLEL_DIROPS)
		conn->want |= FUSE_CAP_PARALLEL_DIROPS;
	if (conn->capable & FUSE_CAP_ASYNC_READ)
		conn->want |= FUSE_CAP_ASYNC_READ;
	if (conn->capable & FUSE_CAP_POSIX_ACL)
		conn->want |=
			FUSE_CAP_POSIX_ACL; /* mounted default_permissions */
	conn->max_write = MAX_IO - 4 * 4096;
	if (conn->max_readahead < MAX_IO)
		conn->max_readahead = MAX_IO;
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct node *p = node_of(parent);
	struct fuse_entry_param e;

	if (!p || !S_ISDIR(p->st.st_mode)) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	for (size_t k = 0; k < p->nkids; k++) {
		if (!strcmp(nodes[p->kids[k]].name, name)) {
			fill_entry(p->kids[k], &e);
			fuse_reply_entry(req, &e);
			return;
		}
	}
	memset(&e, 0, sizeof(e));
	e.entry_timeout = TIMEOUT;
	fuse_reply_entry(req, &e);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct node *n = node_of(ino);

	(void)fi;
	if (!n)
		fuse_reply_err(req, ENOENT);
	else
		fuse_reply_attr(req, &n->st, TIMEOUT);
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct node *n = node_of(ino);

	if (!n || !S_ISLNK(n->st.st_mode))
		fuse_reply_err(req, EINVAL);
	else
		fuse_reply_readlink(req, n->data);
}

static void op_nosys(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	fuse_reply_err(req, ENOSYS); /* zero-message open */
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct node *n = node_of(ino);
	size_t fsize;

	(void)fi;
	if (!n || !S_ISREG(n->st.st_mode)) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	fsize = (size_t)n->st.st_size;
	if (off < 0 || (size_t)off >= fsize) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	if (size > fsize - (size_t)off)
		size = fsize - (size_t)off;
	fuse_reply_buf(req, n->data + off, size);
}

static void op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size,
			   off_t off, struct fuse_file_info *fi)
{
	struct node *n = node_of(ino);
	char *buf;
	size_t used = 0;

	(void)fi;
	if (!n || !S_ISDIR(n->st.st_mode)) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	buf = malloc(size);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	/* offsets: 0 ".", 1 "..", k + 2 the k-th child */
	for (off_t i = off; i < (off_t)n->nkids + 2; i++) {
		struct fuse_entry_param e;
		const char *name;
		size_t need;

		if (i < 2) {
			memset(&e, 0, sizeof(e));
			e.attr = i == 0 ? n->st : nodes[n->parent].st;
			name = i == 0 ? "." : "..";
		} else {
			fill_entry(n->kids[i - 2], &e);
			name = nodes[n->kids[i - 2]].name;
		}
		need = fuse_add_direntry_plus(req, buf + used, size - used,
					      name, &e, i + 1);
		if (need > size - used)
			break;
		used += need;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static void op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			size_t size)
{
	(void)ino;
	(void)name;
	(void)size;
	fuse_reply_err(req, ENODATA);
}

static void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	(void)ino;
	if (size == 0)
		fuse_reply_xattr(req, 0);
	else
		fuse_reply_buf(req, NULL, 0);
}

static const struct fuse_lowlevel_ops ops = {
	.init = op_init,
	.lookup = op_lookup,
	.getattr = op_getattr,
	.readlink = op_readlink,
	.open = op_nosys,
	.opendir = op_nosys,
	.read = op_read,
	.readdirplus = op_readdirplus,
	.getxattr = op_getxattr,
	.listxattr = op_listxattr,
};

int main(int argc, char **argv)
{
	char *fargv[] = { argv[0],
			  "-o",
			  "ro,fsname=floorfs,subtype=floorfs",
			  "-o",
			  "default_permissions",
			  NULL,
			  NULL,
			  NULL };
	int fargc = 5, opt, dfd;
	bool foreground = false;
	struct fuse_session *se;
	struct fuse_loop_config *cfg;
	struct stat st;
	struct fuse_args args;
	int rc;

	while ((opt = getopt(argc, argv, "fo:")) != -1) {
		if (opt == 'f') {
			foreground = true;
		} else if (opt == 'o' && !strcmp(optarg, "allow_other")) {
			fargv[fargc++] = "-o";
			fargv[fargc++] = "allow_other";
		} else {
			fprintf(stderr, "usage: floorfs [-f] [-o allow_other] "
					"SRCDIR MOUNTPOINT\n");
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: floorfs [-f] SRCDIR MOUNTPOINT\n");
		return 2;
	}
	dfd = open(argv[optind], O_RDONLY | O_DIRECTORY);
	if (dfd < 0 || fstat(dfd, &st)) {
		perror(argv[optind]);
		return 1;
	}
	add_node("", &st, 0);
	load(dfd, 0);
	link_children();

	args = (struct fuse_args)FUSE_ARGS_INIT(fargc, fargv);
	se = fuse_session_new(&args, &ops, sizeof(ops), NULL);
	if (!se || fuse_session_mount(se, argv[optind + 1]))
		return 1;
	if (fuse_daemonize(foreground))
		return 1;
	cfg = fuse_loop_cfg_create();
	fuse_loop_cfg_set_clone_fd(cfg, 1);
	fuse_loop_cfg_set_max_threads(cfg, 8);
	rc = fuse_session_loop_mt(se, cfg);
	fuse_loop_cfg_destroy(cfg);
	fuse_session_unmount(se);
	fuse_session_destroy(se);
	return rc ? 1 : 0;
}
