# Debian packages (CPack, DEB generator), one per program: `cpack -G DEB` in a build folder makes
#   tongdang-station_VERSION_ARCH.deb  the station program, the default county policy and the division table;
#   tongdang-server_VERSION_ARCH.deb   the county server, its systemd unit running as its own user, its settings
#                                      in /etc/tongdang/, its data under /var/lib/tongdang/, logs to the journal.
# docs/operations.md says how a county installs them; tests/packages/install_test.sh installs and removes them.
include(GNUInstallDirs)

install(TARGETS tongdang RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT station)
install(FILES fixtures/policy/default.json DESTINATION ${CMAKE_INSTALL_DATADIR}/tongdang/policy COMPONENT station)
install(FILES fixtures/divisions/jiangsu.csv DESTINATION ${CMAKE_INSTALL_DATADIR}/tongdang/divisions
        COMPONENT station)
install(FILES docs/user-guide.md docs/domain.md DESTINATION ${CMAKE_INSTALL_DOCDIR}-station COMPONENT station)

install(TARGETS tongdang-server RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT server)
install(FILES packaging/tongdang-server.service DESTINATION lib/systemd/system COMPONENT server)
install(FILES packaging/server.env DESTINATION /etc/tongdang PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ
        COMPONENT server)
install(FILES docs/operations.md docs/security.md docs/sync-protocol.md DESTINATION ${CMAKE_INSTALL_DOCDIR}-server
        COMPONENT server)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tongdang)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "tongdang")
set(CPACK_PACKAGE_CONTACT "tongdang maintainers <tongdang@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL station server)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # the libraries the programs link, from dpkg-shlibdeps
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_STATION_PACKAGE_NAME tongdang-station)
set(CPACK_DEBIAN_STATION_DESCRIPTION
    "tongdang station: one file per child in difficulty (童档 站点)\n The township station's program: the child file and the 3+4+N workflow on SQLite, offline,\n its pages in a browser (tongdang serve) and sync with the county server.")
set(CPACK_DEBIAN_SERVER_PACKAGE_NAME tongdang-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_SERVER_DESCRIPTION
    "tongdang county server (童档 县级中心服务器)\n The county's sync server for township stations, run by systemd as its own user.")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    "${CMAKE_CURRENT_SOURCE_DIR}/packaging/server/postinst;${CMAKE_CURRENT_SOURCE_DIR}/packaging/server/prerm;${CMAKE_CURRENT_SOURCE_DIR}/packaging/server/postrm;${CMAKE_CURRENT_SOURCE_DIR}/packaging/server/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
