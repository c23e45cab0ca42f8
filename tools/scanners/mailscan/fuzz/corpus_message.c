// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * Writes fuzz_message's seed corpus to DIR: one message of each shape
 * the scanner handles, their "infected" parts being contents the
 * harness's MD5 list holds ("x", "hello").
 */
#include <stdio.h>
#include <string.h>

static const char *const seeds[] = {
	/* multipart, CRLF, base64 attachment ("x") */
	"From: a@example.org\r\nSubject: s\r\nMIME-Version: 1.0\r\n"
	"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\npreamble\r\n"
	"--b1\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
	"--b1\r\nContent-Type: application/octet-stream; name=\"x.com\"\r\n"
	"Content-Transfer-Encoding: base64\r\n\r\neA==\r\n"
	"--b1--\r\nepilogue\r\n",
	/* the same, LF only, part without headers */
	"From: a@example.org\nContent-Type: multipart/mixed; boundary=b1\n\n"
	"--b1\n\nx\n--b1\nContent-Type: text/plain\n\nhello\n--b1--\n",
	/* single-part body, folded Content-* header */
	"From: a@example.org\r\nContent-Type: application/octet-stream;\r\n"
	"\tname=\"x\"\r\nContent-Transfer-Encoding: base64\r\n"
	"X-Other: 1\r\n\r\neA==\r\n",
	/* quoted-printable */
	"From: a\r\nContent-Type: text/plain\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n\r\nhel=6C=\r\no",
	/* x-uuencode, and inline uuencode in text */
	"From: a\nContent-Type: multipart/mixed; boundary=u\n\n"
	"--u\nContent-Type: application/octet-stream\n"
	"Content-Transfer-Encoding: x-uuencode\n\nbegin 644 x\n!>```\n`\nend\n"
	"--u\nContent-Type: text/plain\n\ntext\nbegin 644 y.com\n!>```\n`\nend\nmore\n"
	"--u--\n",
	/* nested multipart and message/rfc822 */
	"From: a\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n"
	"--o\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n"
	"--i\r\nContent-Type: text/plain\r\n\r\nx\r\n--i\r\n"
	"Content-Type: text/html\r\n\r\n<p>\r\n--i--\r\n"
	"--o\r\nContent-Type: message/rfc822\r\n\r\n"
	"From: b\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
	"--o\r\nContent-Disposition: attachment; filename*=UTF-8''%C3%A9.com\r\n"
	"Content-Type: application/x-msdownload; name=\"=?UTF-8?B?w6kuY29t?=\"\r\n"
	"\r\nX\r\n--o--\r\n",
	/* a message/rfc822 top-level body */
	"From: a\nContent-Type: message/rfc822\n\nFrom: b\nSubject: in\n\nx",
};

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: corpus_message DIR\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/seed-%zu.eml", argv[1], i);
		f = fopen(path, "wb");
		if (!f || fwrite(seeds[i], 1, strlen(seeds[i]), f) != strlen(seeds[i]) ||
		    fclose(f)) {
			perror(path);
			return 1;
		}
	}
	return 0;
}
