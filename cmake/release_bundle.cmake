# The shipped content bundle, signed at build time.
#
# Produces, with every build (target release_bundle, part of ALL):
#   ${CMAKE_BINARY_DIR}/share/bundle/     a copy of assets/bundle/ with a
#                                         manifest.sig made by the release key
#   ${CMAKE_BINARY_DIR}/share/keys/release.pub   that key's public half
# so a kiosk configured with content.trusted_keys = <release.pub> starts
# with the bundle shipped beside it. assets/bundle/ itself stays unsigned:
# a development kiosk (empty content.trusted_keys) uses it as it is.
#
# The key is KIOSK_RELEASE_KEY: the admin.key made by `kioskctl keygen`,
# with its admin.pub beside it. Empty: a throw-away development key is made
# (once) in ${CMAKE_BINARY_DIR}/release-key/, so a build without the vendor's
# key still ships a signed bundle together with the key that verifies it.
# Signing goes through the built kioskctl (keygen, content sign): one
# signing code path, with every check `content sign` makes.

set(KIOSK_RELEASE_KEY "" CACHE FILEPATH
    "admin.key (from kioskctl keygen, admin.pub beside it) that signs the shipped bundle; empty: a development key in the build folder")

set(_rb_src ${CMAKE_SOURCE_DIR}/assets/bundle)
set(_rb_out ${CMAKE_BINARY_DIR}/share)
if(KIOSK_RELEASE_KEY)
  if(NOT EXISTS ${KIOSK_RELEASE_KEY})
    message(FATAL_ERROR "KIOSK_RELEASE_KEY: ${KIOSK_RELEASE_KEY} does not exist")
  endif()
  set(_rb_key ${KIOSK_RELEASE_KEY})
  set(_rb_key_dep ${KIOSK_RELEASE_KEY})
  message(STATUS "Shipped content bundle: signed with ${KIOSK_RELEASE_KEY}")
else()
  set(_rb_key "")
  set(_rb_key_dep "")
  message(STATUS "Shipped content bundle: KIOSK_RELEASE_KEY is empty, so it "
                 "is signed with a throw-away development key made in "
                 "${CMAKE_BINARY_DIR}/release-key/ (not for release)")
endif()

file(GLOB _rb_files CONFIGURE_DEPENDS ${_rb_src}/*)
add_custom_command(
  OUTPUT ${_rb_out}/bundle/manifest.sig ${_rb_out}/keys/release.pub
  COMMAND ${CMAKE_COMMAND}
          -DKIOSKCTL=$<TARGET_FILE:kioskctl>
          -DSRC=${_rb_src}
          -DOUT=${_rb_out}
          -DKEY=${_rb_key}
          -DDEV_KEY_DIR=${CMAKE_BINARY_DIR}/release-key
          -P ${CMAKE_SOURCE_DIR}/cmake/sign_bundle.cmake
  DEPENDS kioskctl ${_rb_files} ${_rb_key_dep}
          ${CMAKE_SOURCE_DIR}/cmake/sign_bundle.cmake
  COMMENT "Signing the shipped content bundle into ${_rb_out}/bundle"
  VERBATIM)
add_custom_target(release_bundle ALL
  DEPENDS ${_rb_out}/bundle/manifest.sig ${_rb_out}/keys/release.pub)
