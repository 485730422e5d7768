"""Vocabulary of the demo catalog: categories, shops, product names, options and price ranges.

Names mix Vietnamese (with diacritics) and English, as the marketplace's first sellers write.
Price ranges are in thousands of đồng, what the goods cost in Vietnam; demo_catalog gives them in
the configured currency (seed/prices.py).
"""

# option schemes: name -> list of (option name, values); the first value list is the "colour"
# one when it drives a variant picture.
COLOURS_VI = ["Đen", "Trắng", "Xanh navy", "Đỏ", "Be", "Xanh lá"]
COLOURS_EN = ["Black", "White", "Navy", "Red", "Sand", "Green"]
COLOUR_RGB = {
    "Đen": (33, 37, 41), "Black": (33, 37, 41), "Trắng": (222, 226, 230), "White": (222, 226, 230),
    "Xanh navy": (31, 58, 110), "Navy": (31, 58, 110), "Đỏ": (192, 57, 43), "Red": (192, 57, 43),
    "Be": (196, 164, 132), "Sand": (196, 164, 132), "Xanh lá": (46, 139, 87), "Green": (46, 139, 87),
}
OPTION_SCHEMES = {
    "apparel": [("Màu", COLOURS_VI, "Colour", COLOURS_EN), ("Size", ["S", "M", "L", "XL"], "Size", ["S", "M", "L", "XL"])],
    "shoes": [("Màu", COLOURS_VI, "Colour", COLOURS_EN), ("Size", ["39", "40", "41", "42", "43"], "Size", ["39", "40", "41", "42", "43"])],
    "phone": [("Màu", COLOURS_VI, "Colour", COLOURS_EN), ("Dung lượng", ["128GB", "256GB", "512GB"], "Storage", ["128GB", "256GB", "512GB"])],
    "colour": [("Màu", COLOURS_VI, "Colour", COLOURS_EN)],
    "weight": [("Khối lượng", ["250g", "500g", "1kg"], "Weight", ["250g", "500g", "1kg"])],
    "size": [("Kích thước", ["Nhỏ", "Vừa", "Lớn"], "Size", ["Small", "Medium", "Large"])],
    "none": [],
}
# Later values of these options cost more (e.g. 500g costs about twice 250g).
PRICE_STEPS = {"Dung lượng": 1.25, "Storage": 1.25, "Khối lượng": 1.9, "Weight": 1.9,
               "Kích thước": 1.3, "Size": 1.0}

# top level -> (colour of its pictures, {middle -> {leaf: (scheme, (min, max thousand đồng), [base names], [modifiers])}})
CATEGORIES = {
    "Thời trang": ((232, 62, 140), {
        "Áo": {
            "Áo thun": ("apparel", (99, 249), ["Áo thun cotton", "Basic T-shirt", "Áo thun oversize", "Graphic tee"],
                        ["basic", "in hình mèo", "trơn", "Saigon edition", "unisex", "form rộng"]),
            "Áo sơ mi": ("apparel", (179, 449), ["Áo sơ mi linen", "Oxford shirt", "Áo sơ mi kẻ sọc"],
                         ["tay dài", "tay ngắn", "slim fit", "công sở"]),
            "Áo khoác": ("apparel", (249, 890), ["Áo khoác gió", "Denim jacket", "Áo hoodie nỉ", "Bomber jacket"],
                         ["chống nước", "2 lớp", "basic", "Hà Nội winter"]),
        },
        "Quần": {
            "Quần jeans": ("apparel", (249, 599), ["Quần jeans ống đứng", "Slim jeans", "Quần jeans rách gối"],
                           ["xanh đậm", "wash nhạt", "co giãn"]),
            "Quần short": ("apparel", (99, 259), ["Quần short kaki", "Running shorts", "Quần short đũi"],
                           ["mùa hè", "thể thao", "basic"]),
        },
        "Giày dép": {
            "Sneakers": ("shoes", (399, 1890), ["Giày sneaker trắng", "Canvas sneakers", "Running shoes"],
                         ["classic", "đế cao su", "Pro", "2026"]),
            "Dép & sandal": ("shoes", (59, 359), ["Dép quai ngang", "Sandal da", "Slides"], ["êm chân", "basic", "đi biển"]),
        },
    }),
    "Điện tử": ((13, 110, 253), {
        "Điện thoại": {
            "Smartphones": ("phone", (2990, 24990), ["Điện thoại Galaxy", "Smartphone Nova", "Phone X"],
                            ["5G", "Lite", "Pro Max", "2 SIM"]),
            "Ốp lưng & phụ kiện": ("colour", (39, 199), ["Ốp lưng silicon", "Cáp sạc USB-C", "Kính cường lực", "Fast charger"],
                                   ["chống sốc", "1m", "20W", "trong suốt"]),
        },
        "Âm thanh": {
            "Tai nghe": ("colour", (199, 1290), ["Wireless earbuds", "Tai nghe chụp tai", "Tai nghe bluetooth"],
                         ["Pro", "chống ồn", "Sport", "Mini"]),
            "Loa bluetooth": ("colour", (299, 2490), ["Loa bluetooth mini", "Portable speaker", "Loa karaoke"],
                              ["chống nước", "Bass+", "Party"]),
        },
        "Máy tính": {
            "Bàn phím & chuột": ("colour", (149, 1990), ["Bàn phím cơ", "Wireless mouse", "Chuột gaming"],
                                 ["RGB", "không dây", "Silent", "TKL"]),
            "Laptop": ("none", (8990, 39990), ["Laptop văn phòng", "Ultrabook Air", "Gaming laptop"],
                       ["14 inch", "16GB RAM", "Ryzen 7", "OLED"]),
        },
    }),
    "Nhà cửa": ((253, 126, 20), {
        "Nhà bếp": {
            "Dụng cụ nấu ăn": ("size", (89, 890), ["Chảo chống dính", "Nồi inox", "Chef knife", "Thớt gỗ"],
                               ["3 đáy", "Nhật Bản", "cao cấp", "24cm"]),
            "Bình & ly": ("colour", (49, 399), ["Bình giữ nhiệt", "Ly sứ", "Glass tumbler", "Bình nước thể thao"],
                          ["500ml", "có nắp", "cute", "1 lít"]),
        },
        "Trang trí": {
            "Đèn": ("colour", (99, 899), ["Đèn ngủ", "Desk lamp", "Đèn LED dây"], ["gỗ", "cảm ứng", "vintage", "RGB"]),
            "Cây cảnh": ("size", (39, 499), ["Cây sen đá", "Monstera", "Cây lưỡi hổ", "Chậu gốm"],
                         ["mini", "để bàn", "Bát Tràng", "kèm chậu"]),
        },
    }),
    "Cà phê & Trà": ((111, 66, 193), {
        "Cà phê": {
            "Cà phê hạt": ("weight", (89, 399), ["Cà phê Arabica rang xay", "Robusta Đắk Lắk", "Espresso blend",
                                                  "Cà phê Culi"], ["Cầu Đất", "rang mộc", "medium roast", "nguyên hạt"]),
            "Cà phê phin": ("none", (29, 249), ["Phin nhôm", "Cà phê phin giấy", "Drip coffee bags", "Café sữa hòa tan"],
                            ["10 gói", "truyền thống", "3in1", "inox"]),
        },
        "Trà": {
            "Trà xanh": ("weight", (49, 349), ["Trà xanh Thái Nguyên", "Matcha latte", "Trà sen Tây Hồ", "Green tea"],
                         ["thượng hạng", "túi lọc", "organic", "đặc biệt"]),
            "Trà thảo mộc": ("weight", (39, 199), ["Trà atiso Đà Lạt", "Herbal tea", "Trà gừng", "Trà hoa cúc"],
                             ["túi lọc", "organic", "mật ong", "relax"]),
        },
    }),
    "Sắc đẹp": ((214, 51, 132), {
        "Chăm sóc da": {
            "Kem chống nắng": ("none", (99, 449), ["Kem chống nắng SPF50", "Sunscreen gel", "Xịt chống nắng"],
                               ["dịu nhẹ", "không nhờn", "50ml", "kiềm dầu"]),
            "Sữa rửa mặt": ("none", (69, 299), ["Sữa rửa mặt trà xanh", "Gentle cleanser", "Gel rửa mặt"],
                            ["150ml", "da dầu", "da nhạy cảm"]),
        },
        "Trang điểm": {
            "Son môi": ("colour", (79, 399), ["Son kem lì", "Matte lipstick", "Son dưỡng có màu"],
                        ["lâu trôi", "mini", "velvet"]),
        },
    }),
    "Thể thao & Dã ngoại": ((32, 201, 151), {
        "Tập luyện": {
            "Thảm yoga": ("colour", (149, 599), ["Thảm yoga TPE", "Yoga mat", "Thảm tập gym"], ["6mm", "chống trượt", "kèm túi"]),
            "Tạ & dây kháng lực": ("size", (59, 599), ["Tạ tay", "Resistance bands", "Dây nhảy"],
                                   ["bọc cao su", "set 5 dây", "có đếm số"]),
        },
        "Dã ngoại": {
            "Lều trại": ("size", (399, 2490), ["Lều cắm trại", "Camping tent", "Võng dù"], ["2 người", "4 người", "chống mưa"]),
            "Balo": ("colour", (199, 990), ["Balo du lịch", "Hiking backpack", "Balo laptop"], ["30L", "chống nước", "40L"]),
        },
    }),
}

# (name, slug, description, language of option names, top-level specialities)
SHOPS = [
    ("Saigon Sneakers", "saigon-sneakers", "Giày chính hãng, đổi size miễn phí.", "en", ["Thời trang"]),
    ("Hà Nội Tech", "ha-noi-tech", "Điện thoại và phụ kiện, bảo hành 12 tháng.", "vi", ["Điện tử"]),
    ("Đà Lạt Coffee Farm", "da-lat-coffee-farm", "Cà phê và trà từ cao nguyên Lâm Đồng.", "vi", ["Cà phê & Trà"]),
    ("Nhà Xinh Decor", "nha-xinh-decor", "Đồ trang trí nhà cửa xinh xắn.", "vi", ["Nhà cửa"]),
    ("Urban Threads", "urban-threads", "Streetwear for every day.", "en", ["Thời trang"]),
    ("Bếp Việt", "bep-viet", "Dụng cụ nhà bếp cho gia đình Việt.", "vi", ["Nhà cửa"]),
    ("Sound Lab", "sound-lab", "Headphones and speakers, tested by ear.", "en", ["Điện tử"]),
    ("Mộc Store", "moc-store", "Sản phẩm thủ công từ gỗ và gốm.", "vi", ["Nhà cửa", "Thời trang"]),
    ("Green Leaf Tea House", "green-leaf-tea-house", "Loose-leaf tea and herbal blends.", "en", ["Cà phê & Trà"]),
    ("Cô Ba Beauty", "co-ba-beauty", "Mỹ phẩm chính hãng, giá tốt.", "vi", ["Sắc đẹp"]),
    ("Outdoor Việt", "outdoor-viet", "Đồ dã ngoại và cắm trại.", "vi", ["Thể thao & Dã ngoại"]),
    ("FitHub", "fithub", "Gear for home workouts.", "en", ["Thể thao & Dã ngoại"]),
    ("Gadget Corner", "gadget-corner", "Phụ kiện công nghệ đủ loại.", "en", ["Điện tử"]),
    ("Thời Trang Cỏ May", "thoi-trang-co-may", "Thời trang công sở nam nữ.", "vi", ["Thời trang"]),
    ("Hương Quê", "huong-que", "Đặc sản và cà phê phin truyền thống.", "vi", ["Cà phê & Trà", "Nhà cửa"]),
    ("Glow Skin Lab", "glow-skin-lab", "Skincare that respects tropical weather.", "en", ["Sắc đẹp"]),
    ("Phố Cổ Leather", "pho-co-leather", "Da thật, may tay tại Hội An.", "vi", ["Thời trang"]),
    ("Mekong Home", "mekong-home", "Lamps, plants and pottery.", "en", ["Nhà cửa"]),
    ("PC Builder VN", "pc-builder-vn", "Laptop, bàn phím, chuột gaming.", "vi", ["Điện tử"]),
]
DEMO_SHOP = ("Tiệm của Bình", "tiem-cua-binh", "Áo thun, cà phê và quà tặng nhỏ, đóng gói cẩn thận.", "vi",
             ["Thời trang", "Cà phê & Trà"])
PENDING_SHOP = ("Gốm Bát Tràng Xưa", "gom-bat-trang-xua", "Gốm sứ thủ công Bát Tràng.", "vi", ["Nhà cửa"])
# Shop logos and banners (seed/pictures.py): a colour per shop, the kinds of product drawn on them
SHOP_COLOURS = [(214, 51, 132), (232, 62, 140), (13, 110, 253), (111, 66, 193), (253, 126, 20), (32, 130, 110),
                (25, 135, 84), (102, 16, 242), (176, 98, 40), (220, 53, 69), (13, 150, 180), (60, 72, 88)]
BANNER_COLOURS = [(246, 246, 242), (31, 58, 110), (196, 164, 132)]
TOP_KINDS = {"Thời trang": ["tshirt", "sneaker", "backpack"], "Điện tử": ["phone", "headphones", "laptop"],
             "Nhà cửa": ["lamp", "plant", "mug"], "Cà phê & Trà": ["coffee_bag", "phin", "tea_tin"],
             "Sắc đẹp": ["tube", "pump", "lipstick"], "Thể thao & Dã ngoại": ["backpack", "tent", "yoga_mat"]}
SHOP_EMBLEMS = {"saigon-sneakers": ["sneaker"], "urban-threads": ["hoodie"], "bep-viet": ["pan", "pot"],
                "sound-lab": ["headphones", "speaker"], "green-leaf-tea-house": ["tea_tin", "tea_box"],
                "fithub": ["dumbbell"], "outdoor-viet": ["tent"], "pho-co-leather": ["backpack"],
                "pc-builder-vn": ["laptop", "keyboard"], "gadget-corner": ["earbuds", "charger"],
                "thoi-trang-co-may": ["shirt"], "glow-skin-lab": ["pump"], "huong-que": ["phin"],
                "mekong-home": ["plant", "lamp"], "moc-store": ["plant"], "tiem-cua-binh": ["tshirt", "coffee_bag"]}
OWNER_NAMES = [
    "Lê Minh Khoa", "Phạm Thu Hà", "Võ Thanh Tùng", "Đặng Ngọc Mai", "Hoàng Gia Bảo", "Bùi Phương Linh",
    "Đỗ Quốc Huy", "Ngô Thảo Vy", "Dương Hải Nam", "Lý Bích Ngọc", "Trịnh Công Sơn", "Mai Anh Thư",
    "Châu Tấn Phát", "Tạ Diệu Hương", "Vũ Đức Anh", "Lương Khánh Chi", "Hồ Văn Lộc", "Kiều Mỹ Duyên",
    "Quách Tuấn Kiệt", "Phan Nhật Minh",
]
DESCRIPTION_LINES = [
    "Hàng chính hãng, đóng gói cẩn thận.",
    "Ships within 24 hours from Ho Chi Minh City.",
    "Đổi trả trong 7 ngày nếu có lỗi từ nhà sản xuất.",
    "Quality checked by our team before every shipment.",
    "Giao hàng toàn quốc, kiểm tra hàng trước khi thanh toán.",
    "Perfect as a gift: free wrapping on request.",
]
