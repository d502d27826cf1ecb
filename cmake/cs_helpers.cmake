# cs_proto_library(NAME name PROTOS a.proto ... [DEPS other_proto_libs] [GRPC])
# Generates C++ (and gRPC stubs with GRPC) at build time into the binary dir,
# keeping the import root at ${PROJECT_SOURCE_DIR}/proto.
function(cs_proto_library)
  cmake_parse_arguments(ARG "GRPC" "NAME" "PROTOS;DEPS" ${ARGN})
  add_library(${ARG_NAME} STATIC ${ARG_PROTOS})
  target_link_libraries(${ARG_NAME} PUBLIC protobuf::libprotobuf ${ARG_DEPS})
  if(ARG_GRPC)
    target_link_libraries(${ARG_NAME} PUBLIC gRPC::grpc++)
  endif()
  set(out ${PROJECT_BINARY_DIR}/gen)
  file(MAKE_DIRECTORY ${out})
  target_include_directories(${ARG_NAME} PUBLIC ${out})
  protobuf_generate(TARGET ${ARG_NAME} LANGUAGE cpp
    IMPORT_DIRS ${PROJECT_SOURCE_DIR}/proto PROTOC_OUT_DIR ${out})
  if(ARG_GRPC)
    protobuf_generate(TARGET ${ARG_NAME} LANGUAGE grpc
      GENERATE_EXTENSIONS .grpc.pb.h .grpc.pb.cc
      PLUGIN "protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>"
      IMPORT_DIRS ${PROJECT_SOURCE_DIR}/proto PROTOC_OUT_DIR ${out})
  endif()
endfunction()

# cs_test(NAME name SOURCES a_test.cc ... DEPS libs... [LABELS unit|service|slow])
# One GoogleTest binary registered with CTest; tests run hermetically from a temp cwd.
function(cs_test)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest_main GTest::gmock)
  add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  set_tests_properties(${ARG_NAME} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT 600)
endfunction()

# cs_server_executable(NAME name SOURCES a.cc ... DEPS libs...)
# A long-running binary (a service, the load generator, the echo baseline):
# linked with tcmalloc where the build has it (see the top-level CMakeLists).
function(cs_server_executable)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS})
  if(TARGET PkgConfig::TCMALLOC)
    target_link_libraries(${ARG_NAME} PRIVATE PkgConfig::TCMALLOC)
  endif()
endfunction()
