# Embeds the built web-admin (web-admin/dist, produced by `npm run build`,
# which scripts/build.sh runs) into TARGET. Without a dist folder the table is
# empty and picketd answers the UI's paths with a note on how to build it, so
# a C++-only build still works.
function(picket_embed_web_assets target dist_dir)
  set(output "${CMAKE_CURRENT_BINARY_DIR}/web_assets_generated.cpp")
  # Runs on every build (a fraction of a second): dist's hashed file names
  # change with each UI build, and a dependency list taken at configure time
  # would name files that no longer exist. The script rewrites the output
  # only when it changes, so an unchanged UI recompiles nothing.
  add_custom_target(${target}_web_assets
    COMMAND ${CMAKE_COMMAND} -DDIST_DIR=${dist_dir} -DOUTPUT=${output}
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_web_assets.cmake"
    BYPRODUCTS "${output}"
    COMMENT "Embedding the web admin UI"
    VERBATIM)
  target_sources(${target} PRIVATE "${output}")
  add_dependencies(${target} ${target}_web_assets)
endfunction()
