#!/bin/sh
# The module reports the CPU's virtualization vendor in sysfs.
f=/sys/kernel/thinvm/vendor
echo "+ cat $f"
if ! got=$(cat "$f"); then
	echo "cannot read $f"
	exit 1
fi
echo "$got"
if [ "$got" != svm ]; then
	echo "$f reads '$got', want 'svm'"
	exit 1
fi
echo "$f reads svm"
