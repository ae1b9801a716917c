# Build-time deployment of the kiosk pinyin schema (cmake -P script).
# Inputs: DEPLOYER (rime_deployer), SRC (schema sources), OUT (target folder),
# RIME_SHARED (Debian rime-data), OPENCC (OpenCC data folder).
# Fails the build if the compiled schema or its prism is missing afterwards.
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT} ${OUT}/staging ${OUT}/deploy-user)
file(COPY ${SRC}/kiosk_pinyin.schema.yaml ${SRC}/default.yaml DESTINATION ${OUT})
if(NOT EXISTS ${RIME_SHARED}/build/luna_pinyin.table.bin)
  message(FATAL_ERROR "${RIME_SHARED}/build/luna_pinyin.table.bin missing "
                      "(install rime-data-luna-pinyin)")
endif()
if(NOT EXISTS ${OPENCC}/t2s.json)
  message(FATAL_ERROR "${OPENCC}/t2s.json missing (install libopencc-data)")
endif()
file(CREATE_LINK ${RIME_SHARED}/build ${OUT}/build SYMBOLIC)
file(CREATE_LINK ${OPENCC} ${OUT}/opencc SYMBOLIC)
# Only the prism and the compiled schema are built: luna_pinyin.dict.yaml is
# deliberately not offered as a source, so the deployer reuses Debian's
# prebuilt table (which carries the phrase frequencies of its vocabulary).
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env GLOG_minloglevel=2 GLOG_logtostderr=1
          ${DEPLOYER} --build ${OUT}/deploy-user ${OUT} ${OUT}/staging
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out ERROR_VARIABLE out)
file(REMOVE_RECURSE ${OUT}/deploy-user)
foreach(f kiosk_pinyin.schema.yaml kiosk_pinyin.prism.bin default.yaml)
  if(NOT rc EQUAL 0 OR NOT EXISTS ${OUT}/staging/${f})
    message(FATAL_ERROR "rime deployment failed (rc=${rc}, ${f}):\n${out}")
  endif()
endforeach()
