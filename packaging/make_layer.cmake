# cmake -DBINARY=<lambda-relay> -DROOT=<staging dir> -DZIP=<output> -P make_layer.cmake
# The layer's only file, extensions/lambda-relay, gets mode 0755 whatever the builder's umask, and every
# entry a fixed date.
file(REMOVE_RECURSE "${ROOT}")
file(COPY "${BINARY}" DESTINATION "${ROOT}/extensions"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
file(CHMOD "${ROOT}/extensions" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                            WORLD_READ WORLD_EXECUTE)
execute_process(COMMAND "${CMAKE_COMMAND}" -E tar cf "${ZIP}" --format=zip "--mtime=2000-01-01 00:00:00 UTC" extensions
                WORKING_DIRECTORY "${ROOT}" COMMAND_ERROR_IS_FATAL ANY)
