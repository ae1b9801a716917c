# Input-method engines for kiosk_devices: librime (pinyin) and zinnia
# (handwriting), both from Debian packages, plus the build-time deployment of
# the kiosk's pinyin schema. Included by kiosk/CMakeLists.txt.
#
# The rime data the kiosk opens at run time is deployed HERE, at build time,
# into ${CMAKE_BINARY_DIR}/rime (never on the kiosk's first tap):
#   rime/kiosk_pinyin.schema.yaml, rime/default.yaml   schema sources
#   rime/build   -> ${KIOSK_RIME_SHARED_DIR}/build     Debian's prebuilt
#                   luna_pinyin table (built with its phrase vocabulary)
#   rime/opencc  -> ${KIOSK_OPENCC_DIR}                traditional->simplified
#   rime/staging/                                      compiled schema + prism
#   rime/charwords.tsv                                 a word per character
pkg_check_modules(RIME REQUIRED IMPORTED_TARGET rime)
pkg_check_modules(ZINNIA REQUIRED IMPORTED_TARGET zinnia)
find_program(KIOSK_RIME_DEPLOYER rime_deployer REQUIRED)

set(KIOSK_RIME_SHARED_DIR /usr/share/rime-data CACHE PATH
    "Debian rime-data folder holding build/luna_pinyin.table.bin")
set(KIOSK_OPENCC_DIR /usr/share/opencc CACHE PATH "OpenCC data folder (t2s.json)")
set(KIOSK_ZINNIA_MODEL
    /usr/share/tegaki/models/zinnia/handwriting-zh_CN.model CACHE FILEPATH
    "Zinnia Simplified Chinese handwriting model")

set(KIOSK_RIME_OUT ${CMAKE_BINARY_DIR}/rime)
set(_rime_src ${CMAKE_CURRENT_LIST_DIR}/rime)
add_custom_command(
  OUTPUT ${KIOSK_RIME_OUT}/staging/kiosk_pinyin.prism.bin
         ${KIOSK_RIME_OUT}/staging/kiosk_pinyin.schema.yaml
  COMMAND ${CMAKE_COMMAND}
          -DDEPLOYER=${KIOSK_RIME_DEPLOYER}
          -DSRC=${_rime_src}
          -DOUT=${KIOSK_RIME_OUT}
          -DRIME_SHARED=${KIOSK_RIME_SHARED_DIR}
          -DOPENCC=${KIOSK_OPENCC_DIR}
          -P ${_rime_src}/deploy.cmake
  DEPENDS ${_rime_src}/kiosk_pinyin.schema.yaml ${_rime_src}/default.yaml
          ${_rime_src}/deploy.cmake
  COMMENT "Deploying the rime pinyin schema into ${KIOSK_RIME_OUT}"
  VERBATIM)
# A common word for each character, which the keyboard says with a
# candidate (「李，行李的李」): tools/charwords, from the same table.
add_custom_command(
  OUTPUT ${KIOSK_RIME_OUT}/charwords.tsv
  COMMAND charwords ${KIOSK_RIME_SHARED_DIR}/build/luna_pinyin.table.txt
          ${KIOSK_OPENCC_DIR}/t2s.json ${KIOSK_RIME_OUT}/charwords.tsv
  DEPENDS charwords ${KIOSK_RIME_OUT}/staging/kiosk_pinyin.prism.bin
  COMMENT "Writing ${KIOSK_RIME_OUT}/charwords.tsv"
  VERBATIM)
add_custom_target(kiosk_rime_data ALL
  DEPENDS ${KIOSK_RIME_OUT}/staging/kiosk_pinyin.prism.bin
          ${KIOSK_RIME_OUT}/charwords.tsv)
add_dependencies(kiosk_devices kiosk_rime_data)

# librime and zinnia are opened on first use (devices/dynload.h), not
# linked: their headers only, and the run-time name of each, the SONAME
# recorded in the library the development package installs.
function(kiosk_soname var lib dirs)
  find_library(_kiosk_so_${lib} NAMES ${lib} HINTS ${dirs} REQUIRED)
  execute_process(COMMAND ${CMAKE_OBJDUMP} -p ${_kiosk_so_${lib}}
                  OUTPUT_VARIABLE _dump RESULT_VARIABLE _rc)
  string(REGEX MATCH "SONAME +([^ \n]+)" _m "${_dump}")
  if(NOT _rc EQUAL 0 OR NOT CMAKE_MATCH_1)
    message(FATAL_ERROR "no SONAME in ${_kiosk_so_${lib}}")
  endif()
  set(${var} ${CMAKE_MATCH_1} PARENT_SCOPE)
endfunction()
kiosk_soname(KIOSK_RIME_SONAME rime "${RIME_LIBRARY_DIRS}")
kiosk_soname(KIOSK_ZINNIA_SONAME zinnia "${ZINNIA_LIBRARY_DIRS}")
target_include_directories(kiosk_devices PRIVATE ${RIME_INCLUDE_DIRS}
                           ${ZINNIA_INCLUDE_DIRS})
target_link_libraries(kiosk_devices PUBLIC PkgConfig::SODIUM Threads::Threads
                      ${CMAKE_DL_LIBS})
target_compile_definitions(kiosk_devices PRIVATE
  KIOSK_RIME_DATA_DIR="${KIOSK_INSTALL_DATADIR}/rime"
  KIOSK_ZINNIA_MODEL_PATH="${KIOSK_ZINNIA_MODEL}")
target_compile_definitions(kiosk_devices PUBLIC
  KIOSK_RIME_SONAME="${KIOSK_RIME_SONAME}"
  KIOSK_ZINNIA_SONAME="${KIOSK_ZINNIA_SONAME}")

# The ID card reader's vendor SDK adapter (devices/idcard_sdk.c) loads the
# vendor's library at run time: dlopen, and iconv (glibc) for its GBK text.
target_link_libraries(kiosk_devices PUBLIC ${CMAKE_DL_LIBS})
