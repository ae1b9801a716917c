# Where an installed kiosk keeps its files (docs/deploy.md), and the marker
# that lets programs run from the build tree with the development layout.
#
# Installed (prefix /usr, the packages' default):
#   /usr/bin/kiosk, /usr/bin/kioskctl, /usr/sbin/kiosk-server
#   /usr/share/kiosk/      read-only data: bundle/, fonts/, rime/, keys/
#   /etc/kiosk/            kiosk.conf, pki/ (the device certificate)
#   /etc/kiosk-server/     kiosk-server.conf, pki/
#   /var/lib/kiosk/        outbox, content updates, the simulated printer
#   /var/lib/kiosk-server/ server.db
#   /run/kiosk/            RAM-backed scratch (crash-recovery point)
# Every one of these is also a configuration key; no path of the source or
# build tree is compiled into a program.
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX /usr CACHE PATH "Install prefix" FORCE)
endif()
include(GNUInstallDirs)

set(KIOSK_INSTALL_DATADIR ${CMAKE_INSTALL_FULL_DATADIR}/kiosk)
set(KIOSK_INSTALL_SYSCONFDIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/kiosk)
set(KIOSK_INSTALL_SERVER_SYSCONFDIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/kiosk-server)
set(KIOSK_INSTALL_STATEDIR ${CMAKE_INSTALL_FULL_LOCALSTATEDIR}/lib/kiosk)
set(KIOSK_INSTALL_SERVER_STATEDIR ${CMAKE_INSTALL_FULL_LOCALSTATEDIR}/lib/kiosk-server)
set(KIOSK_INSTALL_RUNDIR /run/kiosk CACHE PATH "Runtime folder of the kiosk (tmpfs)")

add_compile_definitions(
  KIOSK_DATADIR="${KIOSK_INSTALL_DATADIR}"
  KIOSK_SYSCONFDIR="${KIOSK_INSTALL_SYSCONFDIR}"
  KIOSK_SERVER_SYSCONFDIR="${KIOSK_INSTALL_SERVER_SYSCONFDIR}"
  KIOSK_STATEDIR="${KIOSK_INSTALL_STATEDIR}"
  KIOSK_SERVER_STATEDIR="${KIOSK_INSTALL_SERVER_STATEDIR}"
  KIOSK_RUNDIR="${KIOSK_INSTALL_RUNDIR}")

# Keep the source and build folders out of the programs: __FILE__ and the
# debug information name files relative to the source tree.
add_compile_options(-ffile-prefix-map=${CMAKE_SOURCE_DIR}/=)

# The development marker (kiosk/core/config.h, config_devtree_read): the
# source tree whose assets/, fonts/ and var/ a program in this build tree
# uses, and the rime data this build deployed. Never installed.
file(WRITE ${CMAKE_BINARY_DIR}/kiosk-devtree.conf
  "# Written by CMake: programs under this folder run from a build tree.\n"
  "source = ${CMAKE_SOURCE_DIR}\n"
  "rime = ${CMAKE_BINARY_DIR}/rime\n")
