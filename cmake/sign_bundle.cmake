# Build-time script (cmake -P) run by cmake/release_bundle.cmake:
#   -DKIOSKCTL=  the built kioskctl
#   -DSRC=       the bundle to ship (assets/bundle), left untouched
#   -DOUT=       output folder: OUT/bundle (signed copy), OUT/keys/release.pub
#   -DKEY=       admin.key to sign with (admin.pub beside it); empty: the
#                development key in DEV_KEY_DIR, made by `kioskctl keygen`
#                the first time
#   -DDEV_KEY_DIR=
#
# The copy is assembled in OUT/bundle.new and renamed into place only once
# signed, so OUT/bundle is never a half-signed folder.
#
# `content sign` refuses an expired bundle. The build signs "as of" the
# bundle's own `issued` date so that a tree checked out later still builds;
# an expired bundle is reported with a warning here, and the kiosk tells
# staff when it runs one.

foreach(v KIOSKCTL SRC OUT DEV_KEY_DIR)
  if(NOT DEFINED ${v} OR "${${v}}" STREQUAL "")
    message(FATAL_ERROR "sign_bundle.cmake: ${v} is not set")
  endif()
endforeach()

if("${KEY}" STREQUAL "")
  set(KEY ${DEV_KEY_DIR}/admin.key)
  if(NOT EXISTS ${KEY})
    message(STATUS "KIOSK_RELEASE_KEY is empty: making a throw-away "
                   "development release key in ${DEV_KEY_DIR}")
    execute_process(COMMAND ${KIOSKCTL} keygen ${DEV_KEY_DIR}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(rc)
      message(FATAL_ERROR "kioskctl keygen ${DEV_KEY_DIR} failed:\n${out}")
    endif()
  endif()
endif()

get_filename_component(key_dir ${KEY} DIRECTORY)
set(pub_file ${key_dir}/admin.pub)
if(NOT EXISTS ${pub_file})
  message(FATAL_ERROR "${pub_file} is missing: the release key's admin.pub "
                      "must be beside ${KEY} (as kioskctl keygen makes them)")
endif()
file(STRINGS ${pub_file} pub LIMIT_COUNT 1)
string(STRIP "${pub}" pub)

file(READ ${SRC}/manifest.json manifest)
string(JSON issued ERROR_VARIABLE jerr GET "${manifest}" issued)
string(JSON expires ERROR_VARIABLE jerr2 GET "${manifest}" expires)
if(jerr OR jerr2)
  message(FATAL_ERROR "${SRC}/manifest.json: no issued/expires date")
endif()
string(TIMESTAMP today "%Y-%m-%d")
if(today STRGREATER expires)
  message(WARNING "The shipped content bundle ${SRC} expired on ${expires}: "
                  "publish a current one before a release")
endif()

set(tmp ${OUT}/bundle.new)
file(REMOVE_RECURSE ${tmp})
file(MAKE_DIRECTORY ${tmp})
file(GLOB files ${SRC}/*)
foreach(f ${files})
  get_filename_component(name ${f} NAME)
  if(NOT name STREQUAL "manifest.sig")
    file(COPY ${f} DESTINATION ${tmp})
  endif()
endforeach()

execute_process(
  COMMAND ${KIOSKCTL} content sign ${tmp} --key ${KEY} --today ${issued}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc)
  message(FATAL_ERROR "kioskctl content sign refused the shipped bundle:\n${out}")
endif()
# The key that signed, as kioskctl reports it, must be the one shipped.
string(REGEX MATCH "签名公钥：([A-Za-z0-9+/=]+)" _m "${out}")
if(NOT CMAKE_MATCH_1 STREQUAL pub)
  message(FATAL_ERROR "${KEY} and ${pub_file} are not one key pair "
                      "(signed with '${CMAKE_MATCH_1}', admin.pub is '${pub}')")
endif()

file(REMOVE_RECURSE ${OUT}/bundle)
file(RENAME ${tmp} ${OUT}/bundle)
file(MAKE_DIRECTORY ${OUT}/keys)
file(WRITE ${OUT}/keys/release.pub "${pub}\n")
message(STATUS "Shipped content bundle ${OUT}/bundle signed; public key "
               "${OUT}/keys/release.pub: ${pub}")
