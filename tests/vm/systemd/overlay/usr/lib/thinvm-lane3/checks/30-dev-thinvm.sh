#!/bin/sh
# /dev/thinvm exists as a character device, 0600 root:root.
want="character special file 600 root:root"
echo "+ stat /dev/thinvm"
if [ ! -e /dev/thinvm ]; then
	echo "/dev/thinvm does not exist"
	exit 1
fi
got=$(stat -c '%F %a %U:%G' /dev/thinvm)
echo "$got"
if [ "$got" != "$want" ]; then
	echo "/dev/thinvm is '$got', want '$want'"
	exit 1
fi
echo "/dev/thinvm is a char device, 0600 root:root"
