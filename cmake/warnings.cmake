# Project-wide compile flags. C11, strict warnings; -Werror in CI
# (KIOSK_WERROR=ON); optional ASan+UBSan (KIOSK_SANITIZE=ON).
add_compile_definitions(_POSIX_C_SOURCE=200809L _DEFAULT_SOURCE)
add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wmissing-prototypes
                    -Wstrict-prototypes -Wno-unused-parameter)
if(KIOSK_WERROR)
  add_compile_options(-Werror)
endif()
if(KIOSK_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# kiosk_glob_sources(VAR DIR): every .c directly in DIR. New modules need no
# CMake edit; CONFIGURE_DEPENDS re-globs on build.
function(kiosk_glob_sources var dir)
  file(GLOB _srcs CONFIGURE_DEPENDS ${dir}/*.c)
  set(${var} ${_srcs} PARENT_SCOPE)
endfunction()
