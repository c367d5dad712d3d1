/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GRUB 2: the runner. A recursive-descent reader that runs one command at
 * a time: lists of commands up to a reserved word, '}' or the end of the
 * file; if/elif/else, whose conditions really run; for/while/until loops
 * and function bodies, read over and never run. Every nested block counts
 * against BOOT_MAX_DEPTH, past which it is read over without recursion.
 * menuentry and submenu are in grub2_menu.c, simple commands in
 * grub2_cmd.c.
 */
#include "grub2.h"

#include <stdlib.h>

/* --- words of a command --------------------------------------------------- */

void grub2_argv_clear(struct argv *av)
{
	if (!av)
		return;
	for (unsigned i = 0; i < av->n; i++)
		free(av->v[i]);
	av->n = 0;
}

static void argv_free(struct argv *av)
{
	grub2_argv_clear(av);
	free(av);
}

/* --- the runner: blocks --------------------------------------------------- */

bool grub2_depth_enter(struct rd *r, unsigned line)
{
	struct g2 *c = r->c;

	if (c->depth < BOOT_MAX_DEPTH) {
		c->depth++;
		return true;
	}
	if (!c->warned_depth)
		grub2_warn(r, line,
			   "blocks, submenus and included files nested deeper "
			   "than %u: the inner ones are skipped",
			   BOOT_MAX_DEPTH);
	c->warned_depth = true;
	return false;
}

void grub2_depth_leave(struct rd *r)
{
	r->c->depth--;
}

void grub2_not_closed(struct rd *r, unsigned line, const char *what,
		      const char *closer, int end)
{
	if (r->c->stop)
		return;
	grub2_warn(r, line, "'%s' is not closed by '%s'", what, closer);
	if (end == END_RBR)
		r->pushed = T_RBR; /* it closes the enclosing block */
}

/*
 * Reads over a block without running or recursing: up to the '}', 'fi' or
 * 'done' that closes it, counting the ones it opens. False at the end of
 * the file.
 */
static bool skip_raw(struct rd *r, int kind)
{
	const int opens = kind == SKIP_IF ? K_IF : K_FOR | K_WHILE | K_UNTIL;
	const int closes = kind == SKIP_IF ? K_FI : K_DONE;
	const int lead = K_IF | K_THEN | K_ELSE | K_ELIF | K_DO | K_NOT |
			 K_WHILE | K_UNTIL;
	unsigned n = 1;
	bool cmd = true;

	for (;;) {
		int t = grub2_lex(r, NULL), kw = 0;

		if (t == T_EOF)
			return false;
		if (kind == SKIP_BRACES) {
			if (t == T_LBR)
				n++;
			else if (t == T_RBR && --n == 0)
				return true;
			continue;
		}
		if (t == T_WORD && cmd)
			kw = grub2_keyword(r);
		if (kw & opens)
			n++;
		else if ((kw & closes) && --n == 0)
			return true;
		cmd = t != T_WORD || (kw & lead);
	}
}

void grub2_skip_block(struct rd *r, int kind, const char *what,
		      const char *closer, unsigned line)
{
	if (!skip_raw(r, kind) && !r->c->stop)
		grub2_warn(r, line, "'%s' is not closed by '%s'", what, closer);
}

/* if LIST; then LIST; [elif LIST; then LIST;]... [else LIST;] fi */
static void parse_if(struct rd *r, bool exec, unsigned line)
{
	struct g2 *c = r->c;
	bool taken = false, cond;
	int end;

	if (!grub2_depth_enter(r, line)) {
		grub2_skip_block(r, SKIP_IF, "if", "fi", line);
		return;
	}
	c->status = false;
	end = grub2_run_list(r, exec, K_THEN);
	cond = exec && c->status;
	while (end == K_THEN) {
		end = grub2_run_list(r, exec && cond && !taken,
				     K_ELIF | K_ELSE | K_FI);
		taken = taken || cond;
		if (end == K_ELIF) {
			c->status = false;
			end = grub2_run_list(r, exec && !taken, K_THEN);
			cond = exec && !taken && c->status;
		} else if (end == K_ELSE) {
			end = grub2_run_list(r, exec && !taken, K_FI);
			break;
		} else {
			break;
		}
	}
	if (end != K_FI)
		grub2_not_closed(r, line, "if", "fi", end);
	grub2_depth_leave(r);
}

/* for/while/until ...; do LIST; done: read over, never run. */
static void parse_loop(struct rd *r, const char *what, unsigned line)
{
	int end;

	if (!grub2_depth_enter(r, line)) {
		grub2_skip_block(r, SKIP_LOOP, what, "done", line);
		return;
	}
	end = grub2_run_list(r, false, K_DO);
	if (end == K_DO)
		end = grub2_run_list(r, false, K_DONE);
	if (end != K_DONE)
		grub2_not_closed(r, line, what, "done", end);
	grub2_depth_leave(r);
}

/* Reads up to the '{' of a block; false (with a message) when none. */
bool grub2_block_start(struct rd *r, struct argv *av, const char *what,
		       unsigned line, bool *bad)
{
	bool delim = false;

	for (;;) {
		int t = grub2_lex(r, av);

		if (t == T_LBR)
			return true;
		if (t == T_NL || t == T_SEMI) {
			delim = true;
			continue;
		}
		if (t == T_WORD && !delim) {
			*bad = *bad || r->bad;
			continue;
		}
		if (t == T_RBR)
			r->pushed = T_RBR;
		if (!r->c->stop)
			grub2_warn(r, line, "'%s' without a '{' body", what);
		return false;
	}
}

/* function NAME { ... }: the body is read, not run. */
static void parse_function(struct rd *r, unsigned line)
{
	bool bad = false;
	int end;

	if (!grub2_block_start(r, NULL, "function", line, &bad))
		return;
	if (!grub2_depth_enter(r, line)) {
		grub2_skip_block(r, SKIP_BRACES, "function", "}", line);
		return;
	}
	end = grub2_run_list(r, false, 0);
	if (end != END_RBR)
		grub2_not_closed(r, line, "function", "}", end);
	grub2_depth_leave(r);
}

/* --- the runner: commands ------------------------------------------------- */

/* The words of a simple command after its first; returns what ended it. */
static int collect(struct rd *r, struct argv *av, bool *bad)
{
	for (;;) {
		int t = grub2_lex(r, av);

		if (t != T_WORD)
			return t;
		*bad = *bad || r->bad;
	}
}

/* Runs a reserved word's construct; false for one out of place. */
static bool structure(struct rd *r, bool exec, struct argv *av, int kw,
		      unsigned line)
{
	switch (kw) {
	case K_IF:
		parse_if(r, exec, line);
		return true;
	case K_FOR:
		parse_loop(r, "for", line);
		return true;
	case K_WHILE:
		parse_loop(r, "while", line);
		return true;
	case K_UNTIL:
		parse_loop(r, "until", line);
		return true;
	case K_FUNCTION:
		parse_function(r, line);
		return true;
	case K_MENUENTRY:
	case K_SUBMENU:
		grub2_parse_menu(r, exec, av, kw == K_SUBMENU, line);
		return true;
	default:
		return false;
	}
}

/*
 * Runs commands (exec) or reads over them, up to one of the reserved
 * words of stops in command position, a '}' or the end of the file.
 * Returns which; c->status is the status of the last command run.
 */
int grub2_run_list(struct rd *r, bool exec, unsigned stops)
{
	struct g2 *c = r->c;
	struct argv *av = NULL;
	int end = END_EOF;

	if (exec && !(av = calloc(1, sizeof(*av)))) {
		grub2_out_of_memory(c);
		return END_EOF;
	}
	while (!c->stop) {
		bool neg = false, bad;
		unsigned line;
		int t, kw;

		grub2_argv_clear(av);
		t = grub2_lex(r, av);
		while (t == T_WORD && grub2_keyword(r) == K_NOT) {
			neg = !neg;
			grub2_argv_clear(av);
			t = grub2_lex(r, av);
		}
		if (t == T_NL || t == T_SEMI)
			continue;
		if (t == T_EOF)
			break;
		if (t == T_RBR) {
			end = END_RBR;
			break;
		}
		line = r->tline;
		if (t == T_LBR) {
			grub2_warn(r, line,
				   "a '{' block outside a menuentry: skipped");
			grub2_skip_block(r, SKIP_BRACES, "{", "}", line);
			continue;
		}
		kw = grub2_keyword(r);
		if (kw & (int)stops) {
			end = kw;
			break;
		}
		if (kw) {
			if (!structure(r, exec, av, kw, line))
				grub2_warn(r, line,
					   "'%s' out of place: ignored", r->kw);
			continue;
		}
		bad = r->bad;
		t = collect(r, av, &bad);
		if (exec && bad)
			grub2_warn(
				r, line,
				"GRUB has no pipes or redirections ('|', '&', "
				"'<', '>'): command skipped");
		else if (exec && av->n && !c->stop)
			c->status = grub2_run_command(r, av, line) != neg;
		if (t == T_RBR) {
			end = END_RBR;
			break;
		}
		if (t == T_LBR) {
			grub2_warn(r, r->tline,
				   "a '{' block outside a menuentry: "
				   "skipped");
			grub2_skip_block(r, SKIP_BRACES, "{", "}", r->tline);
		}
		if (t == T_EOF)
			break;
	}
	argv_free(av);
	return end;
}
