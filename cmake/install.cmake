# Install rules and Debian packages (CPack). Three packages, one per
# component: kiosk (the touch application), kiosk-server (the reference
# backend), kioskctl (the administrator's command line). The layout is in
# cmake/layout.cmake and docs/deploy.md.
#
#   cmake --install build/release --prefix /usr            # everything
#   (cd build/release && cpack -G DEB)                     # the .deb files
#
# Package builds want -DCMAKE_BUILD_TYPE=Release; binaries are stripped.

# systemd's folders (Debian 12: /lib/systemd/system, /usr/lib/sysusers.d).
pkg_get_variable(_unitdir systemd systemdsystemunitdir)
if(NOT _unitdir)
  set(_unitdir /usr/lib/systemd/system)
endif()
set(KIOSK_SYSTEMD_UNITDIR ${_unitdir} CACHE PATH "systemd system unit folder")
set(_sysusersdir /usr/lib/sysusers.d)
set(_tmpfilesdir /usr/lib/tmpfiles.d)
set(_dist ${CMAKE_SOURCE_DIR}/dist)

# --- kiosk ---------------------------------------------------------------
install(TARGETS kiosk RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        COMPONENT kiosk)
# The default content bundle, signed at build time (cmake/release_bundle.cmake),
# and the public key it is signed with.
install(DIRECTORY ${CMAKE_BINARY_DIR}/share/bundle/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/kiosk/bundle COMPONENT kiosk)
install(FILES ${CMAKE_BINARY_DIR}/share/keys/release.pub
        DESTINATION ${CMAKE_INSTALL_DATADIR}/kiosk/keys COMPONENT kiosk)
install(FILES ${CMAKE_SOURCE_DIR}/fonts/fonts.conf
        DESTINATION ${CMAKE_INSTALL_DATADIR}/kiosk/fonts COMPONENT kiosk)
# The pinyin schema deployed at build time; build/ and opencc/ are links to
# Debian's rime-data and opencc folders (dependencies of the package).
install(DIRECTORY ${CMAKE_BINARY_DIR}/rime/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/kiosk/rime COMPONENT kiosk)
install(FILES ${CMAKE_SOURCE_DIR}/kiosk.conf.example
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/kiosk RENAME kiosk.conf
        COMPONENT kiosk)
install(DIRECTORY DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/kiosk/pki
        COMPONENT kiosk)
install(FILES ${_dist}/systemd/kiosk.service
        DESTINATION ${KIOSK_SYSTEMD_UNITDIR} COMPONENT kiosk)
install(FILES ${_dist}/sysusers.d/kiosk.conf
        DESTINATION ${_sysusersdir} COMPONENT kiosk)

# --- kioskctl ------------------------------------------------------------
install(TARGETS kioskctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        COMPONENT kioskctl)

# --- kiosk-server --------------------------------------------------------
if(TARGET kiosk-server)
  install(TARGETS kiosk-server RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR}
          COMPONENT kiosk-server)
  install(FILES ${CMAKE_SOURCE_DIR}/server/kiosk-server.conf.example
          DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/kiosk-server
          RENAME kiosk-server.conf COMPONENT kiosk-server)
  install(PROGRAMS ${CMAKE_SOURCE_DIR}/scripts/dev-pki.sh
          DESTINATION ${CMAKE_INSTALL_DATADIR}/kiosk-server RENAME make-pki.sh
          COMPONENT kiosk-server)
  install(DIRECTORY DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/kiosk-server/pki
          COMPONENT kiosk-server)
  install(FILES ${_dist}/systemd/kiosk-server.service
          DESTINATION ${KIOSK_SYSTEMD_UNITDIR} COMPONENT kiosk-server)
  install(FILES ${_dist}/sysusers.d/kiosk-server.conf
          DESTINATION ${_sysusersdir} COMPONENT kiosk-server)
  install(FILES ${_dist}/tmpfiles.d/kiosk-server.conf
          DESTINATION ${_tmpfilesdir} COMPONENT kiosk-server)
endif()

# --- packages ------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME township-kiosk)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Township social-assistance kiosk")
set(CPACK_PACKAGE_CONTACT "County civil-affairs IT <it@example.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Self-service kiosk for township social-assistance halls")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL kiosk kiosk-server kioskctl)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Runtime libraries from the binaries themselves (dpkg-shlibdeps).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

set(_deb ${CMAKE_SOURCE_DIR}/dist/debian)
set(CPACK_DEBIAN_KIOSK_PACKAGE_NAME kiosk)
set(CPACK_DEBIAN_KIOSK_DESCRIPTION
  "Self-service kiosk for township social-assistance halls\n The full-screen touch application: policies in plain words, which items may\n apply, one combined application form with pinyin and handwriting input,\n receipts and progress queries.")
# librime, zinnia, espeak-ng and libv4l2 (the document camera) are opened
# on first use (not linked), so dpkg-shlibdeps cannot see them: named here.
set(CPACK_DEBIAN_KIOSK_PACKAGE_DEPENDS
  "fonts-noto-cjk, fonts-dejavu-core, rime-data-luna-pinyin, libopencc-data, tegaki-zinnia-simplified-chinese, adduser, librime1, libzinnia0, libespeak-ng1, espeak-ng-data, libv4l-0")
set(CPACK_DEBIAN_KIOSK_PACKAGE_RECOMMENDS "cage, kioskctl")
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_EXTRA
  ${_deb}/kiosk/conffiles ${_deb}/kiosk/postinst ${_deb}/kiosk/postrm)

set(CPACK_DEBIAN_KIOSK-SERVER_PACKAGE_NAME kiosk-server)
set(CPACK_DEBIAN_KIOSK-SERVER_DESCRIPTION
  "Reference backend for the township social-assistance kiosk\n HTTPS intake of sealed applications, progress status, content\n distribution and the staff console, on SQLite.")
set(CPACK_DEBIAN_KIOSK-SERVER_PACKAGE_DEPENDS "adduser, openssl")
set(CPACK_DEBIAN_KIOSK-SERVER_PACKAGE_CONTROL_EXTRA
  ${_deb}/kiosk-server/conffiles ${_deb}/kiosk-server/postinst
  ${_deb}/kiosk-server/postrm)

set(CPACK_DEBIAN_KIOSKCTL_PACKAGE_NAME kioskctl)
set(CPACK_DEBIAN_KIOSKCTL_DESCRIPTION
  "Administrator's command line for the township social-assistance kiosk\n Checks, signs, installs and publishes content bundles; staff accounts.")

include(CPack)
